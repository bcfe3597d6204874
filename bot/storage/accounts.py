"""Repository functions for supporter accounts and their login sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import supporter_sessions, supporters

ROLES = ("supporter", "admin", "researcher")


@dataclass(frozen=True)
class Account:
    """A supporter, admin or researcher account."""

    id: int
    username: str
    role: str
    password_hash: str


class DuplicateAccountError(ValueError):
    """An account with that username already exists."""


def count_accounts(connection: Connection) -> int:
    """Return how many accounts exist."""
    return int(connection.execute(sa.select(sa.func.count()).select_from(supporters)).scalar_one())


def create_account(
    connection: Connection, *, username: str, role: str, password_hash: str
) -> Account:
    """Create an account.

    Raises:
        ValueError: on an unknown role or an empty username.
        DuplicateAccountError: when the username is taken.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or not username.isprintable():
        raise ValueError("username must be 1-64 printable characters")
    exists = connection.execute(
        sa.select(supporters.c.id).where(supporters.c.username == username)
    ).first()
    if exists:
        raise DuplicateAccountError(f"an account named {username!r} already exists")
    result = connection.execute(
        sa.insert(supporters).values(
            username=username, role=role, password_hash=password_hash, created_at=utcnow()
        )
    )
    return Account(int(result.inserted_primary_key[0]), username, role, password_hash)


def find_account(connection: Connection, *, username: str) -> Account | None:
    """Return the active account named ``username``, if any."""
    row = connection.execute(
        sa.select(supporters).where(supporters.c.username == username, supporters.c.active)
    ).first()
    return Account(row.id, row.username, row.role, row.password_hash) if row else None


def update_password_hash(connection: Connection, *, account_id: int, password_hash: str) -> None:
    """Replace an account's password hash (used when argon2 parameters change)."""
    connection.execute(
        sa.update(supporters)
        .where(supporters.c.id == account_id)
        .values(password_hash=password_hash)
    )


def create_session(
    connection: Connection, *, token_hash: str, account_id: int, csrf_token: str
) -> None:
    """Store a new login session."""
    now = utcnow()
    connection.execute(
        sa.insert(supporter_sessions).values(
            token_hash=token_hash,
            supporter_id=account_id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
        )
    )


@dataclass(frozen=True)
class SessionAccount:
    """A live session joined with its account."""

    account: Account
    csrf_token: str


def touch_session(
    connection: Connection, *, token_hash: str, idle_after: datetime
) -> SessionAccount | None:
    """Return the session's account if it was used after ``idle_after``, and mark it used now.

    A session idle for longer is deleted.
    """
    row = connection.execute(
        sa.select(supporter_sessions, supporters)
        .join(supporters, supporters.c.id == supporter_sessions.c.supporter_id)
        .where(supporter_sessions.c.token_hash == token_hash, supporters.c.active)
    ).first()
    if row is None:
        return None
    if as_utc(row.last_seen_at) < idle_after:
        delete_session(connection, token_hash=token_hash)
        return None
    connection.execute(
        sa.update(supporter_sessions)
        .where(supporter_sessions.c.token_hash == token_hash)
        .values(last_seen_at=utcnow())
    )
    account = Account(row.supporter_id, row.username, row.role, row.password_hash)
    return SessionAccount(account, row.csrf_token)


def delete_session(connection: Connection, *, token_hash: str) -> None:
    """End a login session."""
    connection.execute(
        sa.delete(supporter_sessions).where(supporter_sessions.c.token_hash == token_hash)
    )


# --- Administration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSummary:
    """An account as the admin pages show it (never the password hash)."""

    id: int
    username: str
    role: str
    active: bool
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        """Return the JSON shape used by the API."""
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
        }


def _summary(row: sa.Row) -> AccountSummary:  # type: ignore[type-arg]
    return AccountSummary(row.id, row.username, row.role, bool(row.active), as_utc(row.created_at))


def list_accounts(connection: Connection) -> list[AccountSummary]:
    """Return every account, active or not, by username."""
    query = sa.select(supporters).order_by(supporters.c.username)
    return [_summary(row) for row in connection.execute(query)]


def get_account(connection: Connection, *, account_id: int) -> AccountSummary | None:
    """Return one account by id, or None."""
    row = connection.execute(sa.select(supporters).where(supporters.c.id == account_id)).first()
    return None if row is None else _summary(row)


def count_active_admins(connection: Connection) -> int:
    """Return how many active admin accounts exist."""
    query = (
        sa.select(sa.func.count())
        .select_from(supporters)
        .where(supporters.c.role == "admin", supporters.c.active)
    )
    return int(connection.execute(query).scalar_one())


def set_role(connection: Connection, *, account_id: int, role: str) -> None:
    """Change an account's role.

    Raises:
        ValueError: on an unknown role.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    connection.execute(sa.update(supporters).where(supporters.c.id == account_id).values(role=role))


def set_active(connection: Connection, *, account_id: int, active: bool) -> None:
    """Activate or deactivate an account; deactivating also ends its sessions."""
    connection.execute(
        sa.update(supporters).where(supporters.c.id == account_id).values(active=active)
    )
    if not active:
        end_sessions(connection, account_id=account_id)


def end_sessions(connection: Connection, *, account_id: int) -> None:
    """End every login session of an account."""
    connection.execute(
        sa.delete(supporter_sessions).where(supporter_sessions.c.supporter_id == account_id)
    )
