"""Repository functions for therapeutic-alliance signals (docs/alliance.md).

One row per signal: a behavioural cue logged by a custom action, or a survey subscale score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.tables import alliance_signals, survey_administrations

DIMENSIONS = ("bond", "goal", "task", "engagement")
SOURCES = ("survey", "behaviour")
CUE_MAX_LENGTH = 48


@dataclass(frozen=True)
class AllianceSignal:
    """One alliance signal row."""

    id: int
    conversation_id: str
    event_id: str | None
    dimension: str
    source: str
    value: float
    cue: str
    created_at: datetime


def record_signal(
    connection: Connection,
    *,
    conversation_id: str,
    event_id: str | None,
    dimension: str,
    source: str,
    value: float,
    cue: str,
) -> int:
    """Store one alliance signal and return its id.

    Raises:
        ValueError: for an unknown dimension or source, or an empty or over-long cue.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}, not {dimension!r}")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    if not cue or len(cue) > CUE_MAX_LENGTH:
        raise ValueError(f"cue must be 1-{CUE_MAX_LENGTH} characters, got {cue!r}")
    result = connection.execute(
        sa.insert(alliance_signals).values(
            conversation_id=conversation_id,
            event_id=event_id,
            dimension=dimension,
            source=source,
            value=float(value),
            cue=cue,
            created_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])


def signals_for(connection: Connection, *, conversation_id: str) -> list[AllianceSignal]:
    """Return a conversation's alliance signals, oldest first."""
    rows = connection.execute(
        sa.select(alliance_signals)
        .where(alliance_signals.c.conversation_id == conversation_id)
        .order_by(alliance_signals.c.created_at, alliance_signals.c.id)
    )
    return [
        AllianceSignal(
            id=int(row.id),
            conversation_id=row.conversation_id,
            event_id=row.event_id,
            dimension=row.dimension,
            source=row.source,
            value=float(row.value),
            cue=row.cue,
            created_at=as_utc(row.created_at),
        )
        for row in rows
    ]


def alliance_summary(connection: Connection, *, conversation_id: str) -> dict[str, Any]:
    """Summarise a conversation's alliance: behavioural counts and means, and the latest survey.

    Returns:
        ``{"behaviour": {dimension: {"count": int, "mean": float | None}},
        "survey": {"latest": None | {"instrument", "scores", "completed_at"}}}``.
    """
    rows = connection.execute(
        sa.select(
            alliance_signals.c.dimension,
            sa.func.count().label("count"),
            sa.func.avg(alliance_signals.c.value).label("mean"),
        )
        .where(
            alliance_signals.c.conversation_id == conversation_id,
            alliance_signals.c.source == "behaviour",
        )
        .group_by(alliance_signals.c.dimension)
    )
    behaviour: dict[str, dict[str, Any]] = {
        dimension: {"count": 0, "mean": None} for dimension in DIMENSIONS
    }
    for row in rows:
        if row.dimension in behaviour:
            behaviour[row.dimension] = {"count": int(row.count), "mean": float(row.mean)}
    latest = connection.execute(
        sa.select(
            survey_administrations.c.instrument,
            survey_administrations.c.scores,
            survey_administrations.c.ended_at,
        )
        .where(
            survey_administrations.c.conversation_id == conversation_id,
            survey_administrations.c.status == "completed",
        )
        .order_by(survey_administrations.c.ended_at.desc(), survey_administrations.c.id.desc())
        .limit(1)
    ).first()
    survey_latest = None
    if latest is not None:
        survey_latest = {
            "instrument": latest.instrument,
            "scores": dict(latest.scores or {}),
            "completed_at": as_utc(latest.ended_at).isoformat() if latest.ended_at else None,
        }
    return {"behaviour": behaviour, "survey": {"latest": survey_latest}}
