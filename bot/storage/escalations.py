"""Repository functions for escalations (the human supporter queue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.engine import Database
from bot.storage.tables import escalation_messages, escalation_notes, escalations

STATUSES = ("open", "claimed", "resolved")
OUTCOMES = ("contacted", "emergency_services", "false_alarm", "other")


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
    updated_at: datetime | None = None
    claimed_at: datetime | None = None
    resolved_at: datetime | None = None
    outcome: str | None = None

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
            "updated_at": _iso(self.updated_at),
            "claimed_at": _iso(self.claimed_at),
            "resolved_at": _iso(self.resolved_at),
            "outcome": self.outcome,
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def from_row(row: Any) -> Escalation:
    """Build an :class:`Escalation` from a selected ``escalations`` row."""
    return Escalation(
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
        updated_at=_maybe_utc(row.updated_at),
        claimed_at=_maybe_utc(row.claimed_at),
        resolved_at=_maybe_utc(row.resolved_at),
        outcome=row.outcome,
    )


def list_escalations(connection: Connection, *, status: str | None = None) -> list[Escalation]:
    """Return escalations, optionally filtered by status, oldest first."""
    query = sa.select(escalations).order_by(escalations.c.created_at, escalations.c.id)
    if status is not None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        query = query.where(escalations.c.status == status)
    return [from_row(row) for row in connection.execute(query)]


def list_active(connection: Connection) -> list[Escalation]:
    """Return every escalation that is open or claimed (the queue), oldest first."""
    query = (
        sa.select(escalations)
        .where(escalations.c.status != "resolved")
        .order_by(escalations.c.created_at, escalations.c.id)
    )
    return [from_row(row) for row in connection.execute(query)]


def get_escalation(connection: Connection, *, escalation_id: int) -> Escalation | None:
    """Return one escalation, or None when the id is unknown."""
    row = connection.execute(
        sa.select(escalations).where(escalations.c.id == escalation_id)
    ).first()
    return None if row is None else from_row(row)


def changed_since(connection: Connection, *, since: datetime, limit: int = 500) -> list[Escalation]:
    """Return escalations created or changed at or after ``since``, in order of change."""
    query = (
        sa.select(escalations)
        .where(escalations.c.updated_at >= since)
        .order_by(escalations.c.updated_at, escalations.c.id)
        .limit(limit)
    )
    return [from_row(row) for row in connection.execute(query)]


# --- Claims: every change is one conditional UPDATE, so the database decides races. -------------


def claim_escalation(connection: Connection, *, escalation_id: int, supporter: str) -> bool:
    """Claim an open escalation for ``supporter``; False when it is not open (someone won)."""
    now = utcnow()
    result = connection.execute(
        sa.update(escalations)
        .where(escalations.c.id == escalation_id, escalations.c.status == "open")
        .values(status="claimed", claimed_by=supporter, claimed_at=now, updated_at=now)
    )
    return result.rowcount == 1


def unclaim_escalation(
    connection: Connection, *, escalation_id: int, supporter: str | None
) -> bool:
    """Put a claimed escalation back in the queue.

    Args:
        connection: the transaction.
        escalation_id: which escalation.
        supporter: only this supporter's claim is released; None releases anyone's (admins).

    Returns:
        False when the escalation is not claimed (by ``supporter``).
    """
    conditions = [escalations.c.id == escalation_id, escalations.c.status == "claimed"]
    if supporter is not None:
        conditions.append(escalations.c.claimed_by == supporter)
    result = connection.execute(
        sa.update(escalations)
        .where(*conditions)
        .values(status="open", claimed_by=None, claimed_at=None, updated_at=utcnow())
    )
    return result.rowcount == 1


def resolve_escalation(
    connection: Connection, *, escalation_id: int, outcome: str, supporter: str | None
) -> bool:
    """Resolve an escalation that is open, or claimed by ``supporter`` (None: by anyone).

    Raises:
        ValueError: on an unknown outcome.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}")
    allowed = escalations.c.status != "resolved"
    if supporter is not None:
        allowed = sa.or_(
            escalations.c.status == "open",
            sa.and_(escalations.c.status == "claimed", escalations.c.claimed_by == supporter),
        )
    now = utcnow()
    result = connection.execute(
        sa.update(escalations)
        .where(escalations.c.id == escalation_id, allowed)
        .values(status="resolved", outcome=outcome, resolved_at=now, updated_at=now)
    )
    return result.rowcount == 1


# --- Notes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A supporter's note on an escalation."""

    id: int
    escalation_id: int
    author: str
    text: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the JSON shape used by the API."""
        return {
            "id": self.id,
            "escalation_id": self.escalation_id,
            "author": self.author,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
        }


def add_note(connection: Connection, *, escalation_id: int, author: str, text: str) -> Note:
    """Add a note to an escalation and touch it, so live views refresh."""
    now = utcnow()
    result = connection.execute(
        sa.insert(escalation_notes).values(
            escalation_id=escalation_id, author=author, text=text, created_at=now
        )
    )
    connection.execute(
        sa.update(escalations).where(escalations.c.id == escalation_id).values(updated_at=now)
    )
    return Note(int(result.inserted_primary_key[0]), escalation_id, author, text, now)


def list_notes(connection: Connection, *, escalation_id: int) -> list[Note]:
    """Return an escalation's notes, oldest first."""
    query = (
        sa.select(escalation_notes)
        .where(escalation_notes.c.escalation_id == escalation_id)
        .order_by(escalation_notes.c.id)
    )
    return [
        Note(row.id, row.escalation_id, row.author, row.text, as_utc(row.created_at))
        for row in connection.execute(query)
    ]


# --- History -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryQuery:
    """Filters for resolved escalations; every field is optional."""

    conversation_id: str | None = None
    category: str | None = None
    outcome: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None


def search_resolved(
    connection: Connection, *, query: HistoryQuery, limit: int, offset: int
) -> tuple[list[Escalation], int]:
    """Return one page of resolved escalations (newest resolution first) and the total count."""
    conditions: list[Any] = [escalations.c.status == "resolved"]
    if query.conversation_id:
        conditions.append(escalations.c.conversation_id == query.conversation_id)
    if query.category:
        # Categories are a JSON list of identifiers; its text form is portable across dialects.
        conditions.append(sa.cast(escalations.c.categories, sa.Text).like(f'%"{query.category}"%'))
    if query.outcome:
        conditions.append(escalations.c.outcome == query.outcome)
    if query.created_from:
        conditions.append(escalations.c.created_at >= query.created_from)
    if query.created_before:
        conditions.append(escalations.c.created_at < query.created_before)
    total = connection.execute(
        sa.select(sa.func.count()).select_from(escalations).where(*conditions)
    ).scalar_one()
    rows = connection.execute(
        sa.select(escalations)
        .where(*conditions)
        .order_by(escalations.c.resolved_at.desc(), escalations.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [from_row(row) for row in rows], int(total)


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


def _open_risk(conversation_id: Any, *columns: Any) -> sa.Select:
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


# Built once: every turn asks this, and building the statement cost more CPU than running it.
_OPEN_RISK_ID = _open_risk(sa.bindparam("conversation_id"), escalations.c.id)


def has_open_escalation(connection: Connection, *, conversation_id: str) -> bool:
    """Return True while the conversation has a risk escalation that is not resolved."""
    row = connection.execute(_OPEN_RISK_ID, {"conversation_id": conversation_id}).first()
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
