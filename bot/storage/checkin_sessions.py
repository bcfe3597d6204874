"""Repository functions for check-in sessions: mood, emotions, and how far each one got."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage.checkins import record_mood
from bot.storage.tables import checkins, scheduled_checkins

STATUSES = ("in_progress", "completed", "abandoned")


def start_checkin(connection: Connection, *, conversation_id: str, mood: int | None) -> int:
    """Open a check-in with its mood rating (None when skipped) and return its id.

    The rating also goes to ``mood_ratings`` (the mood history), and any booked check-in that
    is already due counts as kept.

    Raises:
        ValueError: when the rating is outside 0-10.
    """
    now = utcnow()
    if mood is not None:
        record_mood(connection, conversation_id=conversation_id, rating=mood)
    connection.execute(
        sa.update(scheduled_checkins)
        .where(
            scheduled_checkins.c.conversation_id == conversation_id,
            scheduled_checkins.c.status.in_(("scheduled", "offered")),
            scheduled_checkins.c.due_at <= now,
        )
        .values(status="kept")
    )
    result = connection.execute(
        sa.insert(checkins).values(
            conversation_id=conversation_id,
            mood=mood,
            emotions=[],
            status="in_progress",
            step="mood",
            started_at=now,
        )
    )
    return int(result.inserted_primary_key[0])


def _open_checkin_id(connection: Connection, conversation_id: str) -> int | None:
    return connection.execute(
        sa.select(checkins.c.id)
        .where(checkins.c.conversation_id == conversation_id, checkins.c.status == "in_progress")
        .order_by(checkins.c.started_at.desc(), checkins.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def record_emotions(
    connection: Connection, *, conversation_id: str, emotions: Sequence[str]
) -> bool:
    """Add the emotion words to the open check-in; return False when none is open."""
    checkin_id = _open_checkin_id(connection, conversation_id)
    if checkin_id is None:
        return False
    connection.execute(
        sa.update(checkins)
        .where(checkins.c.id == checkin_id)
        .values(emotions=list(emotions), step="emotions")
    )
    return True


def finish_checkin(
    connection: Connection, *, conversation_id: str, status: str, step: str | None = None
) -> bool:
    """Close the open check-in as ``completed`` or ``abandoned`` (at ``step``).

    Returns False when there was no open check-in.

    Raises:
        ValueError: for any other status.
    """
    if status not in ("completed", "abandoned"):
        raise ValueError(f"a check-in finishes as completed or abandoned, not {status!r}")
    checkin_id = _open_checkin_id(connection, conversation_id)
    if checkin_id is None:
        return False
    values: dict[str, object] = {"status": status, "ended_at": utcnow()}
    if step is not None:
        values["step"] = step
    connection.execute(sa.update(checkins).where(checkins.c.id == checkin_id).values(**values))
    return True


def checkin_rows(connection: Connection, *, conversation_id: str) -> list[dict[str, object]]:
    """Return a conversation's check-ins, oldest first (for research export and tests)."""
    rows = connection.execute(
        sa.select(checkins)
        .where(checkins.c.conversation_id == conversation_id)
        .order_by(checkins.c.started_at, checkins.c.id)
    )
    return [dict(row._mapping) for row in rows]
