"""Repository functions for escalations (the human supporter queue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.engine import Database
from bot.storage.tables import escalation_messages, escalations

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


SEVERITY_ORDER = ("none", "low", "medium", "high", "imminent")
MAX_MATCHES_KEPT = 50
EXCERPT_CHARS = 280


@dataclass(frozen=True)
class FlaggedMessage:
    """One flagged user message, as the web app, the action or the spool reports it."""

    conversation_id: str
    message_id: str
    severity: str
    categories: list[str]
    matches: list[dict[str, Any]]
    excerpt: str
    source: str  # "web", "rasa" or "spool"

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-safe dict (the spool stores this)."""
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FlaggedMessage:
        """Rebuild from :meth:`to_json` output."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def excerpt_around(text: str, start: int, end: int, width: int = EXCERPT_CHARS) -> str:
    """Return up to ``width`` characters of ``text`` centred on ``start:end``."""
    if len(text) <= width:
        return text
    middle = (start + end) // 2
    begin = max(0, min(middle - width // 2, len(text) - width))
    return text[begin : begin + width]


def _higher(a: str, b: str) -> str:
    return a if SEVERITY_ORDER.index(a) >= SEVERITY_ORDER.index(b) else b


def _open_risk(conversation_id: str, *columns: Any) -> sa.Select:
    """Select the conversation's unresolved risk escalation (at most one, see tables.py)."""
    return (
        sa.select(*columns)
        .where(
            escalations.c.conversation_id == conversation_id,
            escalations.c.kind == "risk",
            escalations.c.status != "resolved",
        )
        .order_by(escalations.c.id)
        .limit(1)
    )


def record_flagged_message(connection: Connection, *, message: FlaggedMessage) -> int:
    """Record a flagged message and return its escalation id. Idempotent per message id.

    A message already recorded changes nothing. Otherwise the conversation's open (or
    claimed) risk escalation absorbs it, raising its severity if higher; with none open, a
    new escalation is created.
    """
    known = connection.execute(
        sa.select(escalation_messages.c.escalation_id).where(
            escalation_messages.c.message_id == message.message_id
        )
    ).first()
    if known is not None:
        return int(known.escalation_id)
    now = utcnow()
    current = connection.execute(_open_risk(message.conversation_id, escalations)).first()
    if current is None:
        escalation_id = int(
            connection.execute(
                sa.insert(escalations).values(
                    conversation_id=message.conversation_id,
                    message_id=message.message_id,
                    kind="risk",
                    severity=message.severity,
                    categories=sorted(set(message.categories)),
                    matches=message.matches[:MAX_MATCHES_KEPT],
                    excerpt=message.excerpt[:EXCERPT_CHARS],
                    context={},
                    status="open",
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
        )
    else:
        escalation_id = int(current.id)
        severity = _higher(current.severity, message.severity)
        values: dict[str, Any] = {
            "severity": severity,
            "categories": sorted(set(current.categories) | set(message.categories)),
            "matches": (list(current.matches) + message.matches)[:MAX_MATCHES_KEPT],
            "updated_at": now,
        }
        if severity != current.severity:
            values["excerpt"] = message.excerpt[:EXCERPT_CHARS]
        connection.execute(
            sa.update(escalations).where(escalations.c.id == escalation_id).values(**values)
        )
    connection.execute(
        sa.insert(escalation_messages).values(
            message_id=message.message_id,
            escalation_id=escalation_id,
            severity=message.severity,
            categories=sorted(set(message.categories)),
            matches=message.matches[:MAX_MATCHES_KEPT],
            source=message.source,
            created_at=now,
        )
    )
    return escalation_id


def add_context(connection: Connection, *, conversation_id: str, entry: dict[str, Any]) -> bool:
    """Append dialogue context (e.g. the answer to "are you safe?") to the open escalation.

    Returns False when the conversation has no open escalation.
    """
    current = connection.execute(
        _open_risk(conversation_id, escalations.c.id, escalations.c.context)
    ).first()
    if current is None:
        return False
    context = dict(current.context or {})
    replies = list(context.get("replies", []))[-19:]
    context["replies"] = [*replies, {**entry, "at": utcnow().isoformat()}]
    connection.execute(
        sa.update(escalations)
        .where(escalations.c.id == current.id)
        .values(context=context, updated_at=utcnow())
    )
    return True


def has_open_escalation(connection: Connection, *, conversation_id: str) -> bool:
    """Return True while the conversation has a risk escalation that is not resolved."""
    row = connection.execute(_open_risk(conversation_id, escalations.c.id)).first()
    return row is not None


def count_flagged_messages(connection: Connection, *, conversation_id: str) -> int:
    """Return how many flagged messages a conversation has (tests and reports)."""
    return int(
        connection.execute(
            sa.select(sa.func.count())
            .select_from(escalation_messages.join(escalations))
            .where(escalations.c.conversation_id == conversation_id)
        ).scalar_one()
    )


async def record(database: Database, message: FlaggedMessage) -> int:
    """Record a flagged message off the event loop, retrying once after a lost race.

    Two writers racing on the same message or conversation hit a unique constraint; the
    loser's transaction rolls back whole and the retry then merges into the winner's row.
    """
    try:
        return await database.run(record_flagged_message, message=message)
    except sa.exc.IntegrityError:
        return await database.run(record_flagged_message, message=message)
