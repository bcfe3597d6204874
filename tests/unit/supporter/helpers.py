from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.storage.engine import Database
from bot.storage.escalations import FlaggedMessage, record_flagged_message
from bot.storage.handoffs import request_handoff
from bot.storage.tables import escalations


def add_risk(
    database: Database,
    conversation: str,
    severity: str = "high",
    categories: tuple[str, ...] = ("suicidal_ideation",),
    created_at: datetime | None = None,
    excerpt: str = "i want to die",
) -> int:
    message = FlaggedMessage(
        conversation_id=conversation,
        message_id=f"m-{conversation}",
        severity=severity,
        categories=list(categories),
        matches=[],
        excerpt=excerpt,
        source="web",
    )
    escalation_id = database.run_sync(record_flagged_message, message=message)
    if created_at is not None:
        set_times(database, escalation_id, created_at)
    return escalation_id


def add_handoff(database: Database, conversation: str, created_at: datetime | None = None) -> int:
    escalation_id = database.run_sync(
        request_handoff, conversation_id=conversation, message_id=f"h-{conversation}"
    )
    if created_at is not None:
        set_times(database, escalation_id, created_at)
    return escalation_id


def set_times(database: Database, escalation_id: int, created_at: datetime, **extra: Any) -> None:
    database.run_sync(
        lambda c: c.execute(
            sa.update(escalations)
            .where(escalations.c.id == escalation_id)
            .values(created_at=created_at, updated_at=created_at, **extra)
        )
    )


PASSWORD = "correct horse battery staple"
_HASH: list[str] = []


def ensure_account(database: Database, username: str, role: str) -> None:
    """Create an account with the shared test password unless it exists."""
    from bot.storage.accounts import create_account, find_account
    from bot.web.auth import hash_password

    if database.run_sync(find_account, username=username) is None:
        if not _HASH:
            _HASH.append(hash_password(PASSWORD))
        database.run_sync(create_account, username=username, role=role, password_hash=_HASH[0])


async def session_as(client: Any, database: Database, username: str, role: str) -> tuple[Any, str]:
    """Log ``username`` in on a new cookie jar against the test server; return (session, csrf)."""
    import aiohttp

    ensure_account(database, username, role)
    session = aiohttp.ClientSession(
        base_url=str(client.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True)
    )
    resp = await session.post("/api/login", json={"username": username, "password": PASSWORD})
    assert resp.status == 200, await resp.text()
    return session, str((await resp.json())["csrf_token"])
