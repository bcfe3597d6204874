"""Latency statistics for the benchmark: percentiles, one run's summary, medians of runs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile (``fraction`` in 0..1) of ``values``.

    Nearest rank never interpolates, so a p99 is always a latency that really occurred.

    Raises:
        ValueError: if ``values`` is empty or ``fraction`` is outside 0..1.
    """
    if not values:
        raise ValueError("no values")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction {fraction} is outside 0..1")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LatencySummary:
    """Percentiles of a set of latencies, in seconds."""

    count: int
    p50: float
    p90: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> LatencySummary | None:
        """Summarise ``values``; None when there are none."""
        if not values:
            return None
        return cls(
            count=len(values),
            p50=percentile(values, 0.50),
            p90=percentile(values, 0.90),
            p99=percentile(values, 0.99),
            max=max(values),
        )

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)


def median_of(values: Iterable[float | None]) -> float | None:
    """Return the median of the values that are not None; None if there are none."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return ``numerator / denominator``, or None when either is missing or the divisor is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator
