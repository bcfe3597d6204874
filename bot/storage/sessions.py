"""Repository functions for conversation sessions: one row per visit, for engagement research.

A person's conversation id lasts across visits; a session is one visit. A turn more than
``IDLE_GAP`` after the previous one starts a new session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import conversation_sessions

IDLE_GAP = timedelta(minutes=30)


# Built once: every turn runs these two (building them cost more CPU than running them).
_LATEST_SESSION = (
    sa.select(conversation_sessions.c.id, conversation_sessions.c.last_seen_at)
    .where(conversation_sessions.c.conversation_id == sa.bindparam("conversation_id"))
    .order_by(conversation_sessions.c.started_at.desc(), conversation_sessions.c.id.desc())
    .limit(1)
)
_COUNT_TURN = (
    sa.update(conversation_sessions)
    .where(conversation_sessions.c.id == sa.bindparam("session_id"))
    .values(last_seen_at=sa.bindparam("now"), turns=conversation_sessions.c.turns + 1)
)


def record_turn(connection: Connection, *, conversation_id: str, at: datetime | None = None) -> int:
    """Count one user turn in the current session (starting one if needed); return its id."""
    now = at or utcnow()
    latest = connection.execute(_LATEST_SESSION, {"conversation_id": conversation_id}).first()
    if latest is not None and now - as_utc(latest.last_seen_at) <= IDLE_GAP:
        connection.execute(_COUNT_TURN, {"session_id": latest.id, "now": now})
        return int(latest.id)
    result = connection.execute(
        sa.insert(conversation_sessions).values(
            conversation_id=conversation_id, started_at=now, last_seen_at=now, turns=1
        )
    )
    return int(result.inserted_primary_key[0])
