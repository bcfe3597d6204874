"""Supporter authentication: argon2 password hashes, server-side sessions, CSRF and throttling."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage import accounts

COOKIE_NAME = "ally_session"
IDLE_TIMEOUT = timedelta(minutes=30)
_hasher = PasswordHasher()
# Verifying against this when the username is unknown keeps the timing the same either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Return an argon2id hash of ``password``."""
    return _hasher.hash(password)


def generate_password() -> str:
    """Return a new random one-time password."""
    return secrets.token_urlsafe(15)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LoginResult:
    """A new session: the cookie token and the CSRF token for forms."""

    token: str
    csrf_token: str
    account: accounts.Account


def login(connection: Connection, *, username: str, password: str) -> LoginResult | None:
    """Check the credentials and open a session; None on any failure, without saying why."""
    account = accounts.find_account(connection, username=username)
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        accounts.update_password_hash(
            connection, account_id=account.id, password_hash=hash_password(password)
        )
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    accounts.create_session(
        connection, token_hash=_token_hash(token), account_id=account.id, csrf_token=csrf_token
    )
    return LoginResult(token, csrf_token, account)


def resume(connection: Connection, *, token: str) -> accounts.SessionAccount | None:
    """Return the account behind a session cookie, unless it has been idle too long."""
    return accounts.touch_session(
        connection, token_hash=_token_hash(token), idle_after=utcnow() - IDLE_TIMEOUT
    )


def logout(connection: Connection, *, token: str) -> None:
    """End the session behind a cookie."""
    accounts.delete_session(connection, token_hash=_token_hash(token))


class LoginThrottle:
    """Allows at most ``limit`` login attempts per key within ``window`` seconds."""

    def __init__(self, limit: int = 5, window: float = 60.0) -> None:
        self._limit = limit
        self._window = window
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Record an attempt for ``key`` and return whether it is within the limit."""
        now = time.monotonic()
        attempts = self._attempts.setdefault(key, deque())
        while attempts and now - attempts[0] > self._window:
            attempts.popleft()
        if len(attempts) >= self._limit:
            return False
        attempts.append(now)
        if len(self._attempts) > 10_000:  # Bound memory under a spray of keys.
            self._attempts = {k: v for k, v in self._attempts.items() if v}
        return True
