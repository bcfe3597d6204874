"""The supporter queue in numbers, read at scrape time with one grouped query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import escalations


@dataclass(frozen=True)
class QueueGroup:
    """Unresolved escalations of one severity and status."""

    severity: str
    status: str  # "open" (waiting for a supporter) or "claimed"
    count: int
    oldest_seconds: float  # age of the oldest one, from its creation


def queue_groups(connection: Connection, *, now: datetime | None = None) -> list[QueueGroup]:
    """Return the unresolved escalations grouped by severity and status.

    One aggregate query on the indexed ``status`` column: cheap enough for every scrape.
    """
    now = now or utcnow()
    query = (
        sa.select(
            escalations.c.severity,
            escalations.c.status,
            sa.func.count().label("count"),
            sa.func.min(escalations.c.created_at).label("oldest"),
        )
        .where(escalations.c.status != "resolved")
        .group_by(escalations.c.severity, escalations.c.status)
    )
    return [
        QueueGroup(
            severity=row.severity,
            status=row.status,
            count=int(row.count),
            oldest_seconds=max(0.0, (now - _as_datetime(row.oldest)).total_seconds()),
        )
        for row in connection.execute(query)
    ]


def _as_datetime(value: datetime | str) -> datetime:
    # SQLite returns MIN() over a DateTime column as text, not as a datetime.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)
