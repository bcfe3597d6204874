"""Regression tests: the rules keep their hits on the labelled and 2026-11-25 sets.

Not accuracy figures (both sets were tuned on); docs/risk.md quotes held-out and
leave-one-source-out figures instead.

``risk_labelled.jsonl`` is the development set. ``risk_heldout.jsonl`` was
written before the 2026-11-25 generalisation round and measured first (see
docs/risk.md); it has been used for tuning since, so it is no longer independent.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.risk.evaluation import EvaluationReport, evaluate, format_report

DATA = Path(__file__).resolve().parents[2] / "data"
LABELLED = DATA / "risk_labelled.jsonl"
HELDOUT = DATA / "risk_heldout.jsonl"
ROWS = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line]
HELDOUT_ROWS = [
    json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line
]
CATEGORIES = {
    "suicidal_ideation",
    "suicide_plan_or_means",
    "self_harm",
    "harm_to_others",
    "abuse_or_unsafe",
    "medical_emergency",
}


@pytest.fixture(scope="module")
def report() -> EvaluationReport:
    return evaluate(LABELLED)


@pytest.fixture(scope="module")
def heldout_report() -> EvaluationReport:
    return evaluate(HELDOUT)


def test_labelled_set_shape() -> None:
    assert len(ROWS) >= 400
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    risky = [r for r in ROWS if r["risk"]]
    assert 0.4 <= len(risky) / len(ROWS) <= 0.6
    categories = Counter(r["category"] for r in risky)
    assert set(categories) == {
        "suicidal_ideation",
        "suicide_plan_or_means",
        "self_harm",
        "harm_to_others",
        "abuse_or_unsafe",
        "medical_emergency",
    }
    assert all(r["category"] is None for r in ROWS if not r["risk"])
    difficulties = {r["difficulty"] for r in ROWS}
    assert difficulties == {
        "explicit", "passive", "misspelling", "slang", "buried", "plan",
        "negation", "idiom", "third_party", "past", "everyday",
    }  # fmt: skip
    explicit = [r for r in risky if r["difficulty"] == "explicit"]
    assert sum(r["category"] == "suicidal_ideation" for r in explicit) >= 40


def test_overall_recall_at_least_98_percent(report: EvaluationReport) -> None:
    assert report.overall.recall >= 0.98, format_report(report)


def test_explicit_suicidal_statements_all_caught(report: EvaluationReport) -> None:
    explicit = {
        r["id"] for r in ROWS
        if r["risk"] and r["difficulty"] == "explicit" and r["category"] == "suicidal_ideation"
    }  # fmt: skip
    missed = [o for o in report.misses if o.id in explicit]
    assert not missed, [o.text for o in missed]


def test_false_alarm_rate_at_most_5_percent(report: EvaluationReport) -> None:
    assert report.overall.false_alarm_rate <= 0.05, format_report(report)


@pytest.mark.parametrize(
    "category",
    [
        "suicidal_ideation",
        "suicide_plan_or_means",
        "self_harm",
        "harm_to_others",
        "abuse_or_unsafe",
        "medical_emergency",
    ],
)
def test_per_category_recall(report: EvaluationReport, category: str) -> None:
    assert report.per_category[category].recall >= 0.9, format_report(report)


def test_heldout_set_shape() -> None:
    assert len(HELDOUT_ROWS) >= 240
    ids = [r["id"] for r in HELDOUT_ROWS]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("h") for i in ids)
    assert all(set(r) == {"id", "text", "risk", "category", "difficulty"} for r in HELDOUT_ROWS)
    risky = [r for r in HELDOUT_ROWS if r["risk"]]
    assert len(risky) >= 120
    assert len(HELDOUT_ROWS) - len(risky) >= 120
    assert {r["category"] for r in risky} == CATEGORIES
    assert all(r["category"] is None for r in HELDOUT_ROWS if not r["risk"])
    # No message is shared with the development set.
    assert not {r["text"].lower() for r in HELDOUT_ROWS} & {r["text"].lower() for r in ROWS}


def test_heldout_recall_at_least_95_percent(heldout_report: EvaluationReport) -> None:
    assert heldout_report.overall.recall >= 0.95, format_report(heldout_report)


def test_heldout_false_alarm_rate_at_most_5_percent(heldout_report: EvaluationReport) -> None:
    assert heldout_report.overall.false_alarm_rate <= 0.05, format_report(heldout_report)


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_heldout_per_category_recall(heldout_report: EvaluationReport, category: str) -> None:
    assert heldout_report.per_category[category].recall >= 0.9, format_report(heldout_report)
