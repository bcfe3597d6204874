"""Answers to Ally's direct question: buttons, free text, and the cautious reading."""

from __future__ import annotations

import pytest

from bot.risk.asking import decide_answer, read_answer
from bot.risk.tiers import Context
from tests.unit.risk.fakes import FixedClassifier


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/risk_check_yes", "yes"), ("/risk_check_unsure", "unsure"), ("/risk_check_no", "no"),
        ("yes", "yes"), ("Yeah.", "yes"), ("yep, a lot lately", "yes"), ("y", "yes"),
        ("not sure", "unsure"), ("idk", "unsure"), ("maybe", "unsure"), ("yes maybe", "unsure"),
        ("sometimes", "unsure"), ("kind of", "unsure"), ("I don\u2019t know", "unsure"),
        ("no", "no"), ("Nope!", "no"), ("not really", "no"), ("nah im fine", "no"),
        ("i'm not ok", None), ("what do you mean", None), ("", None), ("🙂", None),
    ],
)  # fmt: skip
def test_an_answer_is_read(text: str, answer: str | None) -> None:
    assert read_answer(text) == answer


def test_yes_escalates_at_high_severity_in_the_asked_category() -> None:
    decision, answer = decide_answer("yes", Context(), "self_harm", classifier=FixedClassifier(0.0))
    assert answer == "yes"
    assert decision.action == "escalate"
    assert decision.assessment.severity == "high"
    assert decision.assessment.categories == ("self_harm",)
    assert decision.assessment.matches[0].rule_id == "ask_answered_yes"


def test_not_sure_escalates_too() -> None:
    decision, _ = decide_answer("not sure", Context(), None, classifier=FixedClassifier(0.0))
    assert decision.action == "escalate"
    assert decision.assessment.categories == ("suicidal_ideation",)


def test_no_carries_on_without_an_escalation() -> None:
    decision, answer = decide_answer("no", Context(), None, classifier=FixedClassifier(0.0))
    assert answer == "no"
    assert decision.action == "none"
    assert not decision.assessment.risk


def test_no_followed_by_a_disclosure_still_escalates() -> None:
    decision, answer = decide_answer(
        "no. i took all my pills an hour ago", Context(), None, classifier=FixedClassifier(0.0)
    )
    assert answer == "no"
    assert decision.action == "escalate"


def test_another_answer_is_decided_in_a_raised_context() -> None:
    decision, answer = decide_answer("i'm not ok", Context(), None, classifier=FixedClassifier(0.3))
    assert answer is None
    assert decision.action == "ask"
    assert "context:earlier_flag" in decision.reasons
