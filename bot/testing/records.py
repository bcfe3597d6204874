"""Database side of a test run: history fixtures in, escalations and alliance signals out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.checkin_sessions import start_checkin
from bot.storage.goals import plan_task, record_goal
from bot.storage.participants import set_display_name
from bot.storage.tables import alliance_signals, checkins, escalation_messages, escalations
from bot.testing.observed import EscalationRecord, SignalRecord


def insert_history(
    connection: Connection, *, conversation_id: str, history: dict[str, Any]
) -> None:
    """Create a participant's history before the first message (``fixtures.history``).

    ``display_name``: a name; ``checkins``: ``{days_ago, mood, emotions, status}`` items
    (default a completed check-in 1 day ago); ``goals``: ``{text, status}`` (default accepted);
    ``tasks``: ``{what, when, obstacle}`` planned tasks, linked to the latest agreed goal.

    Raises:
        ValueError: for values the repositories refuse (the runner names the test case).
    """
    if history.get("display_name"):
        set_display_name(
            connection, conversation_id=conversation_id, name=str(history["display_name"])
        )
    for item in history.get("checkins", []):
        checkin_id = start_checkin(
            connection, conversation_id=conversation_id, mood=item.get("mood")
        )
        started = utcnow() - timedelta(days=float(item.get("days_ago", 1)))
        connection.execute(
            sa.update(checkins)
            .where(checkins.c.id == checkin_id)
            .values(
                started_at=started,
                ended_at=started + timedelta(minutes=5),
                status=str(item.get("status", "completed")),
                emotions=list(item.get("emotions", [])),
                step="closed",
            )
        )
    for item in history.get("goals", []):
        status = str(item.get("status", "accepted"))
        record_goal(
            connection,
            conversation_id=conversation_id,
            status=status,
            text=item.get("text"),
            proposed_text=item.get("proposed_text", item.get("text")),
        )
    for item in history.get("tasks", []):
        plan_task(
            connection,
            conversation_id=conversation_id,
            what=str(item["what"]),
            when_text=item.get("when"),
            obstacle=item.get("obstacle"),
        )


def escalation_records(connection: Connection, *, conversation_id: str) -> list[EscalationRecord]:
    """Every flagged message and every escalation of a conversation, keyed by message id."""
    records: list[EscalationRecord] = []
    flagged = connection.execute(
        sa.select(
            escalation_messages.c.message_id,
            escalations.c.kind,
            escalation_messages.c.severity,
            escalation_messages.c.categories,
        )
        .select_from(escalation_messages.join(escalations))
        .where(escalations.c.conversation_id == conversation_id)
    )
    seen = set()
    for row in flagged:
        seen.add(row.message_id)
        records.append(
            EscalationRecord(row.message_id, row.kind, row.severity, tuple(row.categories or ()))
        )
    rows = connection.execute(
        sa.select(
            escalations.c.message_id,
            escalations.c.kind,
            escalations.c.severity,
            escalations.c.categories,
        ).where(escalations.c.conversation_id == conversation_id)
    )
    for row in rows:
        if row.message_id not in seen:
            records.append(
                EscalationRecord(
                    row.message_id, row.kind, row.severity, tuple(row.categories or ())
                )
            )
    return records


def signal_records(connection: Connection, *, conversation_id: str) -> list[SignalRecord]:
    """Every alliance signal of a conversation, oldest first."""
    rows = connection.execute(
        sa.select(alliance_signals)
        .where(alliance_signals.c.conversation_id == conversation_id)
        .order_by(alliance_signals.c.created_at, alliance_signals.c.id)
    )
    return [
        SignalRecord(
            event_id=row.event_id,
            dimension=row.dimension,
            source=row.source,
            value=float(row.value),
            cue=row.cue,
            created_at=as_utc(row.created_at).timestamp(),
        )
        for row in rows
    ]
