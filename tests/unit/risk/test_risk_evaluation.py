"""check_stream on good and bad lines, and evaluate() figures on a tiny file."""

import io
import json
from pathlib import Path

import pytest

from bot.risk.evaluation import MAX_TEXT_CHARS, check_stream, evaluate, format_report


def _run(lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    errors = check_stream(lines, out)
    return errors, [json.loads(line) for line in out.getvalue().splitlines()]


def test_good_lines() -> None:
    errors, results = _run(
        [
            json.dumps({"id": "a", "text": "i want to die"}) + "\n",
            json.dumps({"id": 2, "text": "good thanks"}) + "\n",
        ]
    )
    assert errors == 0
    assert results[0]["id"] == "a"
    assert results[0]["risk"] is True
    assert results[0]["severity"] == "high"
    assert results[0]["categories"] == ["suicidal_ideation"]
    assert results[0]["matches"][0]["text"] == "want to die"
    assert results[0]["action"] == "escalate"
    assert 0.0 <= results[0]["score"] <= 1.0
    assert "rule:si_want_to_die" in results[0]["reasons"]
    assert results[1]["id"] == 2
    assert results[1]["action"] == "none"
    assert results[1]["reasons"] == []
    assert {k: results[1][k] for k in ("risk", "severity", "categories", "matches")} == {
        "risk": False,
        "severity": "none",
        "categories": [],
        "matches": [],
    }


def test_context_lines_read_the_history_and_mood() -> None:
    errors, results = _run_context(
        [
            json.dumps({"id": "c", "text": "ok", "history": ["2", "i feel hopeless"], "mood": 2}),
            json.dumps({"id": "d", "text": "ok", "history": "not a list"}),
            json.dumps({"id": "e", "text": "ok", "mood": 11}),
            json.dumps({"id": "f", "text": "ok", "history": [1, 2]}),
        ]
    )
    assert errors == 3
    assert results[0]["id"] == "c" and "error" not in results[0]
    assert results[0]["action"] in ("none", "ask", "escalate")
    assert "history" in results[1]["error"]
    assert "mood" in results[2]["error"]
    assert "history" in results[3]["error"]


def _run_context(lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    errors = check_stream(lines, out, with_context=True)
    return errors, [json.loads(line) for line in out.getvalue().splitlines()]


BAD_LINES = [
    ("\n", None, "Empty line"),
    ("   ", None, "Empty line"),
    ("{not json", None, "Invalid JSON"),
    ("[1, 2]", None, "Expected a JSON object, got list"),
    ('"just a string"', None, "Expected a JSON object, got str"),
    ('{"id": "x"}', "x", "Field 'text' is missing"),
    ('{"id": "y", "text": 42}', "y", "Field 'text' is a int, not a string"),
    ('{"id": {"nested": 1}, "text": null}', None, "Field 'text' is missing"),
    ("[" * 100_000, None, "Invalid JSON"),
    (json.dumps({"id": "big", "text": "a" * (MAX_TEXT_CHARS + 1)}), "big", "max 1000000"),
]


@pytest.mark.parametrize(("line", "item_id", "message"), BAD_LINES)
def test_bad_line_gives_error_object_and_processing_continues(
    line: str, item_id: object, message: str
) -> None:
    good = json.dumps({"id": "after", "text": "kms"})
    errors, results = _run([line, good])
    assert errors == 1
    assert results[0]["line"] == 1
    assert results[0]["id"] == item_id
    assert message in results[0]["error"]
    assert results[1]["id"] == "after" and results[1]["risk"] is True


def test_odd_but_valid_texts_are_processed() -> None:
    texts = ["", "\x00\x01", "😭" * 1000, "مرحبا", "x" * 100_000 + " i want to die"]
    lines = [json.dumps({"id": i, "text": t}) for i, t in enumerate(texts)]
    errors, results = _run(lines)
    assert errors == 0
    assert [r["id"] for r in results] == list(range(len(texts)))
    assert results[-1]["risk"] is True


def test_evaluate_on_a_tiny_hand_made_file(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "text": "i want to kill myself", "risk": True, "category": "suicidal_ideation"},
        {"id": "2", "text": "my dad hits me", "risk": True, "category": "abuse_or_unsafe"},
        {"id": "3", "text": "the weather is lovely", "risk": True, "category": "self_harm"},
        {"id": "4", "text": "good thanks", "risk": False, "category": None},
        {"id": "5", "text": "i cut myself", "risk": False, "category": None},
        {"id": "6", "text": "ok", "risk": False, "category": None},
        {"id": "7", "text": "kms", "risk": True, "category": "self_harm"},
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = evaluate(path)
    assert report.total == 7
    assert report.overall.true_positives == 3  # 1, 2, 7
    assert report.overall.false_negatives == 1  # 3
    assert report.overall.recall == pytest.approx(3 / 4)
    assert report.overall.precision == pytest.approx(3 / 4)  # 5 is a false alarm
    assert report.overall.false_alarm_rate == pytest.approx(1 / 3)
    assert [o.id for o in report.misses] == ["3"]
    assert [o.id for o in report.false_alarms] == ["5"]
    assert [o.id for o in report.category_misses] == ["7"]  # flagged, wrong category
    self_harm = report.per_category["self_harm"]
    assert (self_harm.true_positives, self_harm.false_negatives) == (0, 2)
    assert self_harm.false_positives == 1  # the negative "i cut myself"
    assert self_harm.false_alarm_rate == pytest.approx(1 / 3)
    si = report.per_category["suicidal_ideation"]
    assert si.recall == 1.0 and si.precision == pytest.approx(1 / 2)
    text = format_report(report)
    assert "recall 0.750" in text
    assert "misses (1)" in text and "false alarms (1)" in text
