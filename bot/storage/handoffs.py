"""Repository function for a person's request to talk to a human (a non-risk escalation)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage.tables import escalations


def request_handoff(connection: Connection, *, conversation_id: str, message_id: str) -> int:
    """Queue a low-severity handoff request and return its id.

    Keyed on ``message_id``: a retry of the same message returns the existing row.
    """
    existing = connection.execute(
        sa.select(escalations.c.id).where(escalations.c.message_id == message_id)
    ).scalar_one_or_none()
    if existing is not None:
        return int(existing)
    now = utcnow()
    result = connection.execute(
        sa.insert(escalations).values(
            conversation_id=conversation_id,
            message_id=message_id,
            kind="handoff",
            severity="low",
            categories=[],
            matches=[],
            context={},
            status="open",
            created_at=now,
            updated_at=now,
        )
    )
    return int(result.inserted_primary_key[0])
