"""Repository functions for the next check-in: stored here, not in Rasa's in-memory scheduler.

The web app calls :func:`due_checkin` when the person opens the widget, so a booked check-in
survives restarts of every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import scheduled_checkins


@dataclass(frozen=True)
class DueCheckin:
    """A booked check-in whose time has come."""

    id: int
    conversation_id: str
    due_at: datetime


def schedule_checkin(connection: Connection, *, conversation_id: str, due_at: datetime) -> int:
    """Book the next check-in at ``due_at`` (aware); an earlier booking is replaced.

    Raises:
        ValueError: for a naive datetime.
    """
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    connection.execute(
        sa.update(scheduled_checkins)
        .where(
            scheduled_checkins.c.conversation_id == conversation_id,
            scheduled_checkins.c.status.in_(("scheduled", "offered")),
        )
        .values(status="replaced")
    )
    result = connection.execute(
        sa.insert(scheduled_checkins).values(
            conversation_id=conversation_id,
            due_at=due_at.astimezone(timezone.utc),
            status="scheduled",
            created_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])


def due_checkin(
    connection: Connection, *, conversation_id: str, now: datetime
) -> DueCheckin | None:
    """Return the booked check-in that is due at ``now`` and not yet kept, if any.

    Reading does not change anything; call :func:`mark_checkin_offered` once it is shown.
    """
    row = connection.execute(
        sa.select(scheduled_checkins.c.id, scheduled_checkins.c.due_at)
        .where(
            scheduled_checkins.c.conversation_id == conversation_id,
            scheduled_checkins.c.status.in_(("scheduled", "offered")),
            scheduled_checkins.c.due_at <= now,
        )
        .order_by(scheduled_checkins.c.due_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return DueCheckin(int(row.id), conversation_id, as_utc(row.due_at))


def mark_checkin_offered(connection: Connection, *, checkin_id: int) -> None:
    """Record that the widget offered the due check-in."""
    connection.execute(
        sa.update(scheduled_checkins)
        .where(scheduled_checkins.c.id == checkin_id, scheduled_checkins.c.status == "scheduled")
        .values(status="offered", offered_at=utcnow())
    )


def next_checkin(connection: Connection, *, conversation_id: str) -> datetime | None:
    """Return the time of the booked (not yet kept or replaced) check-in, if any."""
    due = connection.execute(
        sa.select(scheduled_checkins.c.due_at)
        .where(
            scheduled_checkins.c.conversation_id == conversation_id,
            scheduled_checkins.c.status.in_(("scheduled", "offered")),
        )
        .order_by(scheduled_checkins.c.due_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return as_utc(due) if due is not None else None
