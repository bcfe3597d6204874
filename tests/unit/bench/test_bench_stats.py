"""Percentiles, summaries, medians and ratios of the benchmark."""

import pytest

from bot.bench.stats import LatencySummary, median_of, percentile, ratio


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [(0.0, 1.0), (0.5, 50.0), (0.9, 90.0), (0.99, 99.0), (1.0, 100.0)],
)
def test_percentile_is_nearest_rank(fraction: float, expected: float) -> None:
    values = [float(v) for v in range(100, 0, -1)]  # unsorted on purpose
    assert percentile(values, fraction) == expected


def test_percentile_of_few_values_is_a_value_that_occurred() -> None:
    assert percentile([0.2, 0.1, 5.0], 0.99) == 5.0
    assert percentile([0.2, 0.1, 5.0], 0.5) == 0.2


@pytest.mark.parametrize(("values", "fraction"), [([], 0.5), ([1.0], -0.1), ([1.0], 1.5)])
def test_percentile_refuses_bad_input(values: list[float], fraction: float) -> None:
    with pytest.raises(ValueError):
        percentile(values, fraction)


def test_summary_of_latencies() -> None:
    summary = LatencySummary.of([0.1] * 98 + [2.0, 3.0])
    assert summary == LatencySummary(count=100, p50=0.1, p90=0.1, p99=2.0, max=3.0)
    assert summary.to_json()["p99"] == 2.0


def test_summary_of_nothing_is_none() -> None:
    assert LatencySummary.of([]) is None


def test_median_ignores_missing_values() -> None:
    assert median_of([3.0, None, 1.0, 2.0]) == 2.0
    assert median_of([None, None]) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(6.0, 3.0, 2.0), (None, 3.0, None), (1.0, None, None), (1.0, 0.0, None)],
)
def test_ratio(numerator: float | None, denominator: float | None, expected: float | None) -> None:
    assert ratio(numerator, denominator) == expected
