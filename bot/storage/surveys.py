"""Repository functions for the in-chat alliance survey: administrations and item responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import checkins, survey_administrations, survey_responses

FINAL_STATUSES = ("completed", "skipped", "abandoned")


@dataclass(frozen=True)
class Administration:
    """One survey administration row."""

    id: int
    conversation_id: str
    instrument: str
    status: str
    scores: dict[str, float] | None
    started_at: datetime
    ended_at: datetime | None


def _administration(row: Any) -> Administration:
    return Administration(
        id=int(row.id),
        conversation_id=row.conversation_id,
        instrument=row.instrument,
        status=row.status,
        scores=dict(row.scores) if row.scores is not None else None,
        started_at=as_utc(row.started_at),
        ended_at=as_utc(row.ended_at) if row.ended_at else None,
    )


def start_administration(connection: Connection, *, conversation_id: str, instrument: str) -> int:
    """Open a survey administration (any earlier open one is marked abandoned) and return its id."""
    abandon_open_administrations(connection, conversation_id=conversation_id)
    result = connection.execute(
        sa.insert(survey_administrations).values(
            conversation_id=conversation_id,
            instrument=instrument,
            status="in_progress",
            started_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])


def record_declined(connection: Connection, *, conversation_id: str, instrument: str) -> int:
    """Store an offer the person declined as a skipped administration and return its id."""
    abandon_open_administrations(connection, conversation_id=conversation_id)
    now = utcnow()
    result = connection.execute(
        sa.insert(survey_administrations).values(
            conversation_id=conversation_id,
            instrument=instrument,
            status="skipped",
            started_at=now,
            ended_at=now,
        )
    )
    return int(result.inserted_primary_key[0])


def open_administration(connection: Connection, *, conversation_id: str) -> Administration | None:
    """Return the conversation's administration in progress, if any."""
    row = connection.execute(
        sa.select(survey_administrations)
        .where(
            survey_administrations.c.conversation_id == conversation_id,
            survey_administrations.c.status == "in_progress",
        )
        .order_by(survey_administrations.c.started_at.desc(), survey_administrations.c.id.desc())
        .limit(1)
    ).first()
    return _administration(row) if row is not None else None


def abandon_open_administrations(connection: Connection, *, conversation_id: str) -> int:
    """Mark every open administration of a conversation abandoned; return how many."""
    result = connection.execute(
        sa.update(survey_administrations)
        .where(
            survey_administrations.c.conversation_id == conversation_id,
            survey_administrations.c.status == "in_progress",
        )
        .values(status="abandoned", ended_at=utcnow())
    )
    return int(result.rowcount or 0)


def record_response(
    connection: Connection,
    *,
    administration_id: int,
    conversation_id: str,
    item_id: str,
    subscale: str,
    value: int,
) -> None:
    """Store the answer to one item (a repeated answer to the same item replaces it)."""
    key = (
        survey_responses.c.administration_id == administration_id,
        survey_responses.c.item_id == item_id,
    )
    updated = connection.execute(
        sa.update(survey_responses).where(*key).values(value=value, created_at=utcnow())
    )
    if not updated.rowcount:
        connection.execute(
            sa.insert(survey_responses).values(
                administration_id=administration_id,
                conversation_id=conversation_id,
                item_id=item_id,
                subscale=subscale,
                value=value,
                created_at=utcnow(),
            )
        )


def answers_for(connection: Connection, *, administration_id: int) -> dict[str, int]:
    """Return ``{item_id: value}`` for one administration."""
    rows = connection.execute(
        sa.select(survey_responses.c.item_id, survey_responses.c.value).where(
            survey_responses.c.administration_id == administration_id
        )
    )
    return {row.item_id: int(row.value) for row in rows}


def finish_administration(
    connection: Connection,
    *,
    administration_id: int,
    status: str,
    scores: dict[str, float] | None = None,
) -> bool:
    """Close an open administration as completed (with scores), skipped or abandoned.

    Returns:
        Whether an open administration was closed.

    Raises:
        ValueError: for another status, or a completed one without scores.
    """
    if status not in FINAL_STATUSES:
        raise ValueError(f"an administration ends as one of {FINAL_STATUSES}, not {status!r}")
    if (status == "completed") != (scores is not None):
        raise ValueError("scores are stored with, and only with, a completed administration")
    result = connection.execute(
        sa.update(survey_administrations)
        .where(
            survey_administrations.c.id == administration_id,
            survey_administrations.c.status == "in_progress",
        )
        .values(status=status, scores=scores, ended_at=utcnow())
    )
    return bool(result.rowcount)


def administrations_for(connection: Connection, *, conversation_id: str) -> list[Administration]:
    """Return a conversation's administrations, oldest first."""
    rows = connection.execute(
        sa.select(survey_administrations)
        .where(survey_administrations.c.conversation_id == conversation_id)
        .order_by(survey_administrations.c.started_at, survey_administrations.c.id)
    )
    return [_administration(row) for row in rows]


def survey_schedule_facts(
    connection: Connection, *, conversation_id: str
) -> tuple[int, datetime | None]:
    """Return (completed check-ins, start of the last finished survey) for the schedule."""
    completed = connection.execute(
        sa.select(sa.func.count())
        .select_from(checkins)
        .where(checkins.c.conversation_id == conversation_id, checkins.c.status == "completed")
    ).scalar_one()
    last = connection.execute(
        sa.select(sa.func.max(survey_administrations.c.started_at)).where(
            survey_administrations.c.conversation_id == conversation_id,
            survey_administrations.c.status.in_(FINAL_STATUSES),
        )
    ).scalar_one_or_none()
    return int(completed), as_utc(last) if last is not None else None
