"""Repository functions for thought records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage.tables import thought_records


@dataclass(frozen=True)
class ThoughtRecord:
    """The answers of one thought record; any of them may be missing (skipped)."""

    situation: str | None = None
    automatic_thought: str | None = None
    emotion: str | None = None
    intensity_before: int | None = None
    distortions: list[str] = field(default_factory=list)
    evidence_for: str | None = None
    evidence_against: str | None = None
    balanced_thought: str | None = None
    intensity_after: int | None = None


def save_thought_record(
    connection: Connection,
    *,
    conversation_id: str,
    record: ThoughtRecord,
    status: str = "completed",
    step: str | None = None,
) -> int:
    """Store a completed or abandoned (at ``step``) thought record and return its id.

    Raises:
        ValueError: for an unknown status or an intensity outside 0-100.
    """
    if status not in ("completed", "abandoned"):
        raise ValueError(f"a thought record is completed or abandoned, not {status!r}")
    for value in (record.intensity_before, record.intensity_after):
        if value is not None and not 0 <= value <= 100:
            raise ValueError(f"intensity must be between 0 and 100, got {value}")
    result = connection.execute(
        sa.insert(thought_records).values(
            conversation_id=conversation_id,
            status=status,
            step=step,
            created_at=utcnow(),
            **asdict(record),
        )
    )
    return int(result.inserted_primary_key[0])


def thought_record_rows(connection: Connection, *, conversation_id: str) -> list[dict[str, object]]:
    """Return a conversation's thought records, oldest first."""
    rows = connection.execute(
        sa.select(thought_records)
        .where(thought_records.c.conversation_id == conversation_id)
        .order_by(thought_records.c.created_at, thought_records.c.id)
    )
    return [dict(row._mapping) for row in rows]
