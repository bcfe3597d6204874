"""Aggregate, pseudonymised figures for researchers: counts only, no ids and no text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc
from bot.storage.tables import alliance_signals, checkins, escalations


@dataclass(frozen=True)
class WeekCount:
    """Check-ins started and completed in one ISO week."""

    week: str  # e.g. "2026-W07"
    started: int
    completed: int


@dataclass(frozen=True)
class DimensionSummary:
    """Alliance signals of one dimension and source."""

    dimension: str
    source: str
    count: int
    mean: float


@dataclass(frozen=True)
class ResearchSummary:
    """Everything the research page shows."""

    checkins_by_week: list[WeekCount]
    signals_by_dimension: list[DimensionSummary]
    escalations_by_category: list[tuple[str, int]]


def _iso_week(moment: datetime) -> str:
    year, week, _ = as_utc(moment).isocalendar()
    return f"{year}-W{week:02d}"


def summarise(connection: Connection) -> ResearchSummary:
    """Compute the research page's aggregates (portable SQL; weeks are grouped in Python)."""
    started: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    for row in connection.execute(sa.select(checkins.c.started_at, checkins.c.status)):
        week = _iso_week(row.started_at)
        started[week] += 1
        if row.status == "completed":
            completed[week] += 1
    weeks = [WeekCount(w, started[w], completed[w]) for w in sorted(started)]

    signal_rows = connection.execute(
        sa.select(
            alliance_signals.c.dimension,
            alliance_signals.c.source,
            sa.func.count(),
            sa.func.avg(alliance_signals.c.value),
        )
        .group_by(alliance_signals.c.dimension, alliance_signals.c.source)
        .order_by(alliance_signals.c.dimension, alliance_signals.c.source)
    )
    signals = [
        DimensionSummary(dimension, source, int(count), round(float(mean or 0.0), 2))
        for dimension, source, count, mean in signal_rows
    ]

    categories: Counter[str] = Counter()
    for (row_categories,) in connection.execute(
        sa.select(escalations.c.categories).where(escalations.c.kind == "risk")
    ):
        categories.update(row_categories or [])
    return ResearchSummary(weeks, signals, sorted(categories.items()))
