from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.testing.coverage import (
    KINDS,
    CoverageError,
    Universe,
    compute_coverage,
    exercised_by,
    format_coverage,
    load_runs,
    load_universe,
    render_html,
)

PROJECT = Path(__file__).resolve().parents[3]
EVENTS = [
    {"event": "user", "parse_data": {"intent": {"name": "greet"},
                                     "risk": {"risk": True, "categories": ["self_harm"]}}},
    {"event": "action", "name": "mood_form"},
    {"event": "active_loop", "name": "mood_form"},
    {"event": "slot", "name": "requested_slot", "value": None},
    {"event": "slot", "name": "mood_rating", "value": 3},
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "emotions", "value": "sad"},
    {"event": "bot", "text": "You're welcome.",
     "metadata": {"utter_action": "utter_you_are_welcome"}},
    {"event": "bot", "text": "Thanks for telling me. I've noted a 3 for today."},
]  # fmt: skip


def test_events_count_intents_responses_messages_forms_slots_and_risk() -> None:
    found = exercised_by(
        EVENTS, {"mood_logged": "Thanks for telling me. I've noted a {rating} for today."}
    )
    assert found["intents"] == {"greet"}
    assert found["risk categories"] == {"self_harm"}
    assert found["actions"] == {"mood_form"}
    assert found["forms"] == {"mood_form"}
    assert found["form slots"] == {"mood_form.mood_rating"}
    assert found["responses"] == {"utter_you_are_welcome"}
    assert found["messages"] == {"mood_logged"}


def test_coverage_share_and_threshold_verdict(tmp_path: Path) -> None:
    universe = Universe({kind: [] for kind in KINDS} | {"intents": ["greet", "deny"],
                        "risk categories": ["self_harm", "harm_to_others"]})  # fmt: skip
    report = compute_coverage(PROJECT, [{"cases": [{"events": EVENTS}]}], universe)
    assert report.share_of("intents") == 0.5 and report.share == 0.5
    text = format_coverage(report, 0.8)
    assert "never exercised:       harm_to_others" in text
    assert "only in stories/rules: deny" in text  # the rules use deny; no run did
    assert text.endswith("BELOW THRESHOLD")
    assert format_coverage(report, 0.5).endswith(": ok")
    page = render_html(report, 0.8)
    assert "<td>harm_to_others</td>" in page and "50.0%" in page


def test_the_universe_comes_from_the_domain_and_the_risk_rules() -> None:
    universe = load_universe(PROJECT).items
    assert {"greet", "risk_disclosure"} <= set(universe["intents"])
    assert "utter_crisis" in universe["responses"]
    assert "mood_form.mood_rating" in universe["form slots"]
    assert len(universe["risk categories"]) == 6
    assert not any(a.startswith(("validate_", "action_ask_")) for a in universe["actions"])


def test_run_records_are_read_and_bad_ones_refused(tmp_path: Path) -> None:
    (tmp_path / "run-1.json").write_text(json.dumps({"cases": []}))
    assert load_runs(tmp_path) == [{"cases": []}]
    (tmp_path / "run-2.json").write_text("{not json")
    with pytest.raises(CoverageError, match=r"run-2\.json: not a readable run record"):
        load_runs(tmp_path)
    with pytest.raises(CoverageError, match="no run records"):
        load_runs(tmp_path / "missing")
