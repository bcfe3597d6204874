"""Repository functions for escalations (the human supporter queue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc
from bot.storage.tables import escalations

STATUSES = ("open", "claimed", "resolved")


@dataclass(frozen=True)
class Escalation:
    """One item in the supporter queue."""

    id: int
    conversation_id: str
    message_id: str
    kind: str
    severity: str
    categories: list[str]
    excerpt: str
    status: str
    claimed_by: str | None
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the JSON shape used by the API."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "kind": self.kind,
            "severity": self.severity,
            "categories": list(self.categories),
            "excerpt": self.excerpt,
            "status": self.status,
            "claimed_by": self.claimed_by,
            "created_at": self.created_at.isoformat(),
        }


def list_escalations(connection: Connection, *, status: str | None = None) -> list[Escalation]:
    """Return escalations, optionally filtered by status, oldest first."""
    query = sa.select(escalations).order_by(escalations.c.created_at, escalations.c.id)
    if status is not None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        query = query.where(escalations.c.status == status)
    return [
        Escalation(
            id=row.id,
            conversation_id=row.conversation_id,
            message_id=row.message_id,
            kind=row.kind,
            severity=row.severity,
            categories=list(row.categories),
            excerpt=row.excerpt,
            status=row.status,
            claimed_by=row.claimed_by,
            created_at=as_utc(row.created_at),
        )
        for row in connection.execute(query)
    ]
