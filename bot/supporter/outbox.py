"""The webhook outbox: one row per (event, escalation), persisted with its delivery attempts.

Rows carry no message text: only ids, severity, categories, times and a link path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.escalations import Escalation, from_row
from bot.storage.tables import escalations, webhook_outbox
from bot.supporter.queue import TARGETED_SEVERITIES, waiting_seconds

EVENTS = ("new", "overdue")
MAX_ERROR_CHARS = 255


def payload(event: str, escalation: Escalation, now: datetime) -> dict[str, Any]:
    """Return the JSON body for ``event`` about ``escalation`` (no message text)."""
    return {
        "event": f"escalation.{event}",
        "escalation": {
            "id": escalation.id,
            "kind": escalation.kind,
            "severity": escalation.severity,
            "categories": list(escalation.categories),
            "created_at": escalation.created_at.isoformat(),
            "waiting_seconds": waiting_seconds(escalation, now),
            "link": f"/supporter#escalation-{escalation.id}",
        },
    }


def _missing(event: str) -> Any:
    return ~sa.exists().where(
        webhook_outbox.c.event == event, webhook_outbox.c.escalation_id == escalations.c.id
    )


def enqueue_due(connection: Connection, *, now: datetime, target_seconds: float) -> int:
    """Enqueue "new" for every unresolved escalation and "overdue" for every overdue one.

    Each (event, escalation) is enqueued once: rows already in the outbox are skipped, and
    the table's unique constraint backs that up. Returns how many rows were added.
    """
    fresh = sa.select(escalations).where(escalations.c.status != "resolved", _missing("new"))
    late = sa.select(escalations).where(
        escalations.c.status == "open",
        escalations.c.kind == "risk",
        escalations.c.severity.in_(sorted(TARGETED_SEVERITIES)),
        escalations.c.created_at <= now - timedelta(seconds=target_seconds),
        _missing("overdue"),
    )
    added = 0
    for event, query in (("new", fresh), ("overdue", late)):
        for row in connection.execute(query.order_by(escalations.c.id).limit(100)).all():
            escalation = from_row(row)
            connection.execute(
                sa.insert(webhook_outbox).values(
                    event=event,
                    escalation_id=escalation.id,
                    payload=payload(event, escalation, now),
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            added += 1
    return added


@dataclass(frozen=True)
class OutboxItem:
    """One webhook delivery, pending, sent or failed."""

    id: int
    event: str
    escalation_id: int | None
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None


def _item(row: Any) -> OutboxItem:
    return OutboxItem(
        row.id,
        row.event,
        row.escalation_id,
        dict(row.payload),
        row.status,
        row.attempts,
        row.last_error,
    )


def due(connection: Connection, *, now: datetime, limit: int = 20) -> list[OutboxItem]:
    """Return pending deliveries whose next attempt is due, oldest first."""
    query = (
        sa.select(webhook_outbox)
        .where(webhook_outbox.c.status == "pending", webhook_outbox.c.next_attempt_at <= now)
        .order_by(webhook_outbox.c.next_attempt_at, webhook_outbox.c.id)
        .limit(limit)
    )
    return [_item(row) for row in connection.execute(query)]


def mark_sent(connection: Connection, *, item_id: int, now: datetime) -> None:
    """Record a successful delivery."""
    connection.execute(
        sa.update(webhook_outbox)
        .where(webhook_outbox.c.id == item_id)
        .values(status="sent", sent_at=now, attempts=webhook_outbox.c.attempts + 1)
    )


def mark_attempt_failed(
    connection: Connection, *, item_id: int, error: str, retry_at: datetime | None
) -> None:
    """Record a failed attempt: retry at ``retry_at``, or give up (status failed) when None."""
    values: dict[str, Any] = {
        "attempts": webhook_outbox.c.attempts + 1,
        "last_error": error[:MAX_ERROR_CHARS],
    }
    if retry_at is None:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = retry_at
    connection.execute(
        sa.update(webhook_outbox).where(webhook_outbox.c.id == item_id).values(**values)
    )


def list_items(connection: Connection) -> list[OutboxItem]:
    """Return every outbox row, oldest first (for tests and the admin)."""
    query = sa.select(webhook_outbox).order_by(webhook_outbox.c.id)
    return [_item(row) for row in connection.execute(query)]
