"""Repository functions for the audit log: who did what to which record, and when.

Every supporter action on a person's data (viewing a conversation, claiming, replying, taking
over, resolving), every export and every deletion writes one row. Rows never hold message text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import audit_log


@dataclass(frozen=True)
class AuditEntry:
    """One audit log row."""

    id: int
    actor: str
    action: str
    target_type: str
    target_id: str | None
    detail: dict[str, Any]
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the JSON shape used by the API."""
        return {
            "id": self.id,
            "actor": self.actor,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "detail": dict(self.detail),
            "created_at": self.created_at.isoformat(),
        }


def record_audit(
    connection: Connection,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one audit row (in the caller's transaction) and return its id."""
    result = connection.execute(
        sa.insert(audit_log).values(
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            detail=detail or {},
            created_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])


def list_audit(
    connection: Connection,
    *,
    limit: int = 200,
    before_id: int | None = None,
    actor: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
) -> list[AuditEntry]:
    """Return audit rows, newest first, optionally filtered; page with ``before_id``."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(max(1, min(limit, 1000)))
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if target_type is not None:
        query = query.where(audit_log.c.target_type == target_type)
    if target_id is not None:
        query = query.where(audit_log.c.target_id == target_id)
    return [
        AuditEntry(
            id=row.id,
            actor=row.actor,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            detail=dict(row.detail or {}),
            created_at=as_utc(row.created_at),
        )
        for row in connection.execute(query)
    ]
