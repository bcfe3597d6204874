"""Regression tests: the rules keep what they caught on the earlier probes (docs/risk.md).

These are not accuracy figures: the rules were tuned on these sets. History below.

``risk_probe_2.jsonl`` was written on 2026-11-25 before the third rule round,
measured first (recall 0.731, false alarms 8/341), then used for tuning (recall
0.992, 1/341). ``risk_probe_3.jsonl`` was written after that round and
measured once, untouched (recall 0.768, false alarms 5/170): it is the honest
estimate for new messages, so it must not be tuned on (until the ninth round, below). The
floors sit a little below (ceilings a little above) the measured figures, so a change that makes
the detector worse on any probe fails here. ``risk_probe_4.jsonl`` was written on
2026-11-26 before the fourth round, measured first (recall 0.867, false alarms 1/41), then
used for tuning (recall 0.933, 1/41). ``risk_probe_5.jsonl`` was written after that, measured
first (recall 0.724, 2/30), then used for tuning (recall 0.897, 0/30). ``risk_probe_6.jsonl``
likewise: 0.795 (1/30) first, 1.000 (0/30) after tuning; ``risk_probe_7.jsonl``: 0.605 (1/18)
first, 0.868 (0/18) after; ``risk_probe_8.jsonl``: 0.826 (2/37) first, 1.000 (1/37) after;
``risk_probe_9.jsonl``: 0.759 (6/43) first, 1.000 (1/43) after.
``risk_probe_10.jsonl``: 0.976 (6/30) first, 1.000 (1/30) after.
``risk_probe_11.jsonl``: 0.686 (6/46) first, 1.000 (0/46) after; its rules also raised probe 3
(untouched) from 0.808 to 0.824 and probe 5 from 0.914 to 0.931, so their floors rose with them.
``risk_probe_11b.jsonl`` (31 further wordings of probe 11's missed kinds, written after that
tuning): 10/31 (0/15) first, 30/31 (0/15) after a second pass.
Ninth round: ``risk_probe_12.jsonl`` 0.583 (1/40) first, 0.983 (1/40) after. Probe 3 was tuned on
in that round too (0.824 -> 1.000), so it is no longer an honest estimate; its floors, and those
of probes 2, 4 and 5, which the round's rules also raised, rose with the figures.
Tenth round: ``risk_probe_13.jsonl`` 0.906 (1/42) first, 1.000 (1/42) after;
``risk_probe_14.jsonl`` (indirect wordings) 0.550 (5/30) first, 0.975 (1/30) after; no other
set moved.
``risk_probe_15.jsonl`` (text-speak) 0.743 (0/25) first, 1.000 (0/25) after a dropped final g
and a few spellings were read as words (bot/risk/dropped_g.py, context.yml ``spellings``).
``risk_probe_16.jsonl`` (indirect, other kinds) 0.562 (4/25) first, 1.000 (2/25) after.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.risk.evaluation import EvaluationReport, evaluate, format_report

DATA = Path(__file__).resolve().parents[2] / "data"
CATEGORIES = (
    "suicidal_ideation",
    "suicide_plan_or_means",
    "self_harm",
    "harm_to_others",
    "abuse_or_unsafe",
    "medical_emergency",
)
# file -> (id prefix, min risk per category, min everyday, recall floor, false-alarm ceiling,
#          per-category recall floors)
PROBES = {
    "risk_probe_2.jsonl": (
        "p2-", 40, 300, 0.99, 0.015,
        {"suicidal_ideation": 0.97, "suicide_plan_or_means": 0.95, "self_harm": 0.95,
         "harm_to_others": 0.95, "abuse_or_unsafe": 0.95, "medical_emergency": 0.95},
    ),
    "risk_probe_3.jsonl": (
        "p3-", 20, 150, 0.99, 0.045,
        {"suicidal_ideation": 0.95, "suicide_plan_or_means": 0.99, "self_harm": 0.99,
         "harm_to_others": 0.99, "abuse_or_unsafe": 0.99, "medical_emergency": 0.99},
    ),
    "risk_probe_4.jsonl": (
        "p4-", 10, 40, 0.90, 0.05,
        {"suicidal_ideation": 0.86, "suicide_plan_or_means": 0.79, "self_harm": 0.83,
         "harm_to_others": 0.83, "abuse_or_unsafe": 0.8, "medical_emergency": 0.9},
    ),
    "risk_probe_5.jsonl": (
        "p5-", 5, 30, 0.98, 0.04,
        {"suicidal_ideation": 0.88, "suicide_plan_or_means": 0.99, "self_harm": 0.8,
         "harm_to_others": 0.8, "abuse_or_unsafe": 0.8, "medical_emergency": 0.8},
    ),
    "risk_probe_6.jsonl": (
        "p6-", 6, 30, 0.95, 0.04,
        {"suicidal_ideation": 0.8, "suicide_plan_or_means": 0.8, "self_harm": 0.85,
         "harm_to_others": 0.85, "abuse_or_unsafe": 0.85, "medical_emergency": 0.85},
    ),
    "risk_probe_7.jsonl": (
        "p7-", 5, 15, 0.84, 0.06,
        {"suicidal_ideation": 0.8, "suicide_plan_or_means": 0.3, "self_harm": 0.9,
         "harm_to_others": 0.7, "abuse_or_unsafe": 0.9, "medical_emergency": 0.9},
    ),
    "risk_probe_8.jsonl": (
        "p8-", 7, 35, 0.95, 0.06,
        {"suicidal_ideation": 0.88, "suicide_plan_or_means": 0.85, "self_harm": 0.85,
         "harm_to_others": 0.85, "abuse_or_unsafe": 0.85, "medical_emergency": 0.85},
    ),
    "risk_probe_9.jsonl": (
        "p9-", 8, 40, 0.95, 0.05,
        {"suicidal_ideation": 0.9, "suicide_plan_or_means": 0.9, "self_harm": 0.88,
         "harm_to_others": 0.87, "abuse_or_unsafe": 0.88, "medical_emergency": 0.87},
    ),
    "risk_probe_10.jsonl": (
        "p10-", 6, 30, 0.98, 0.04,
        {"suicidal_ideation": 0.9, "suicide_plan_or_means": 0.9, "self_harm": 0.9,
         "harm_to_others": 0.9, "abuse_or_unsafe": 0.9, "medical_emergency": 0.9},
    ),
    "risk_probe_11.jsonl": (
        "p11-", 11, 45, 0.99, 0.02,
        {"suicidal_ideation": 0.95, "suicide_plan_or_means": 0.95, "self_harm": 0.95,
         "harm_to_others": 0.95, "abuse_or_unsafe": 0.95, "medical_emergency": 0.95},
    ),
    "risk_probe_11b.jsonl": (
        "p11b-", 3, 15, 0.96, 0.06,
        {"suicidal_ideation": 0.8, "suicide_plan_or_means": 0.85, "self_harm": 0.99,
         "harm_to_others": 0.99, "abuse_or_unsafe": 0.99, "medical_emergency": 0.99},
    ),
    "risk_probe_12.jsonl": (
        "p12-", 6, 40, 0.98, 0.03,
        {"suicidal_ideation": 0.99, "suicide_plan_or_means": 0.95, "self_harm": 0.99,
         "harm_to_others": 0.99, "abuse_or_unsafe": 0.99, "medical_emergency": 0.99},
    ),
    "risk_probe_13.jsonl": (
        "p13-", 6, 40, 0.98, 0.03,
        {"suicidal_ideation": 0.92, "suicide_plan_or_means": 0.99, "self_harm": 0.99,
         "harm_to_others": 0.99, "abuse_or_unsafe": 0.99, "medical_emergency": 0.99},
    ),
    "risk_probe_14.jsonl": (
        "p14-", 4, 30, 0.97, 0.04,
        {"suicidal_ideation": 0.89, "suicide_plan_or_means": 0.77, "self_harm": 0.99,
         "harm_to_others": 0.99, "abuse_or_unsafe": 0.99, "medical_emergency": 0.99},
    ),
    "risk_probe_15.jsonl": (
        "p15-", 3, 25, 0.99, 0.02,
        {"suicidal_ideation": 0.99, "suicide_plan_or_means": 0.85, "self_harm": 0.99,
         "harm_to_others": 0.99, "abuse_or_unsafe": 0.99, "medical_emergency": 0.99},
    ),
    "risk_probe_16.jsonl": (
        "p16-", 4, 25, 0.99, 0.09,
        {"suicidal_ideation": 0.99, "suicide_plan_or_means": 0.99, "self_harm": 0.99,
         "harm_to_others": 0.99, "abuse_or_unsafe": 0.99, "medical_emergency": 0.99},
    ),
}  # fmt: skip


def _rows(name: str) -> list[dict]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


@pytest.fixture(scope="module", params=sorted(PROBES))
def probe(request: pytest.FixtureRequest) -> tuple[str, EvaluationReport]:
    return request.param, evaluate(DATA / request.param)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_shape_and_independence(name: str) -> None:
    prefix, per_category, everyday = PROBES[name][:3]
    rows = _rows(name)
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(prefix) for i in ids)
    assert all(set(r) == {"id", "text", "risk", "category"} for r in rows)
    counts = Counter(r["category"] for r in rows if r["risk"])
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= per_category, counts
    assert sum(not r["risk"] for r in rows) >= everyday
    assert all(r["category"] is None for r in rows if not r["risk"])
    # No message is shared with the development set, the held-out set or the other probe.
    others = ["risk_labelled.jsonl", "risk_heldout.jsonl", *(p for p in PROBES if p != name)]
    seen = {r["text"].lower() for other in others for r in _rows(other)}
    assert not {r["text"].lower() for r in rows} & seen


def test_probe_recall_floor(probe: tuple[str, EvaluationReport]) -> None:
    name, report = probe
    assert report.overall.recall >= PROBES[name][3], format_report(report)


def test_probe_false_alarm_ceiling(probe: tuple[str, EvaluationReport]) -> None:
    name, report = probe
    assert report.overall.false_alarm_rate <= PROBES[name][4], format_report(report)


@pytest.mark.parametrize("category", CATEGORIES)
def test_probe_per_category_recall_floor(
    probe: tuple[str, EvaluationReport], category: str
) -> None:
    name, report = probe
    floor = PROBES[name][5][category]
    assert report.per_category[category].recall >= floor, format_report(report)
