"""Account administration for admins: each change is one transaction with its audit row."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from bot.storage import accounts as store
from bot.storage.audit import record_audit
from bot.supporter.claims import Actor
from bot.supporter.errors import ConflictError, InvalidInputError, NotFoundError


def _audit(
    connection: Connection, actor: Actor, action: str, account_id: int, **detail: str
) -> None:
    record_audit(
        connection,
        actor=actor.username,
        action=action,
        target_type="account",
        target_id=account_id,
        detail=detail,
    )


def _existing(connection: Connection, account_id: int) -> store.AccountSummary:
    found = store.get_account(connection, account_id=account_id)
    if found is None:
        raise NotFoundError(f"no account with id {account_id}")
    return found


def create(
    connection: Connection, *, actor: Actor, username: object, role: object, password_hash: str
) -> store.AccountSummary:
    """Create an account.

    Raises:
        InvalidInputError: bad username or role.
        ConflictError: the username is taken.
    """
    if not isinstance(username, str) or not isinstance(role, str):
        raise InvalidInputError("username and role must be strings")
    try:
        account = store.create_account(
            connection, username=username.strip(), role=role, password_hash=password_hash
        )
    except store.DuplicateAccountError as exc:
        raise ConflictError(str(exc)) from None
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from None
    _audit(connection, actor, "account.create", account.id, role=role)
    return _existing(connection, account.id)


def _keep_an_admin(connection: Connection, target: store.AccountSummary) -> None:
    if target.role == "admin" and target.active and store.count_active_admins(connection) <= 1:
        raise ConflictError("this is the last active admin; make another admin first")


def change_role(
    connection: Connection, *, actor: Actor, account_id: int, role: object
) -> store.AccountSummary:
    """Change an account's role; the last active admin keeps theirs.

    Raises:
        NotFoundError: unknown id.
        InvalidInputError: unknown role.
        ConflictError: it would leave no active admin.
    """
    if not isinstance(role, str) or role not in store.ROLES:
        raise InvalidInputError(f"role must be one of {', '.join(store.ROLES)}")
    target = _existing(connection, account_id)
    if role == target.role:
        return target
    _keep_an_admin(connection, target)
    store.set_role(connection, account_id=account_id, role=role)
    store.end_sessions(connection, account_id=account_id)  # new rights from the next login on
    _audit(connection, actor, "account.role", account_id, role=role, previous=target.role)
    return _existing(connection, account_id)


def set_active(
    connection: Connection, *, actor: Actor, account_id: int, active: object
) -> store.AccountSummary:
    """Deactivate (ending its sessions) or reactivate an account.

    Raises:
        NotFoundError: unknown id.
        InvalidInputError: ``active`` is not a boolean.
        ConflictError: it would leave no active admin.
    """
    if not isinstance(active, bool):
        raise InvalidInputError("active must be true or false")
    target = _existing(connection, account_id)
    if active == target.active:
        return target
    if not active:
        _keep_an_admin(connection, target)
    store.set_active(connection, account_id=account_id, active=active)
    _audit(connection, actor, "account.activate" if active else "account.deactivate", account_id)
    return _existing(connection, account_id)


def reset_password(
    connection: Connection, *, actor: Actor, account_id: int, password_hash: str
) -> store.AccountSummary:
    """Replace an account's password and end its sessions.

    Raises:
        NotFoundError: unknown id.
    """
    target = _existing(connection, account_id)
    store.update_password_hash(connection, account_id=account_id, password_hash=password_hash)
    store.end_sessions(connection, account_id=account_id)
    _audit(connection, actor, "account.password_reset", account_id)
    return target
