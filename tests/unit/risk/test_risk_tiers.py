"""escalate / ask / none: the rules first, then the classifier's probability, then the context."""

from __future__ import annotations

import pytest

from bot.risk.tiers import (
    Context,
    Signals,
    context_from_history,
    decide,
    rating_in,
    signals_of,
    thresholds,
)
from tests.unit.risk.fakes import FixedClassifier

LIMITS = thresholds()


def test_an_explicit_statement_escalates_even_when_the_classifier_says_no() -> None:
    decision = decide("i want to kill myself", classifier=FixedClassifier(0.0))  # type: ignore[arg-type]
    assert decision.action == "escalate"
    assert decision.assessment.risk
    assert any(r.startswith("rule:") for r in decision.reasons)


def test_an_imminent_cue_escalates_even_when_the_classifier_says_no() -> None:
    decision = decide("i took all my pills an hour ago", classifier=FixedClassifier(0.0))  # type: ignore[arg-type]
    assert decision.action == "escalate"


@pytest.mark.parametrize(
    ("probability", "action"),
    [
        (0.0, "none"),
        (LIMITS.ask_at - 0.01, "none"),
        (LIMITS.ask_at, "ask"),
        (LIMITS.escalate_at - 0.01, "ask"),
        (LIMITS.escalate_at, "escalate"),
    ],
)
def test_without_a_rule_the_probability_decides(probability: float, action: str) -> None:
    decision = decide("the words do not matter here", classifier=FixedClassifier(probability))  # type: ignore[arg-type]
    assert decision.action == action
    assert decision.assessment.risk == (action == "escalate")


def test_a_classifier_escalation_carries_a_match_for_the_supporter() -> None:
    decision = decide("nothing a rule knows", classifier=FixedClassifier(0.99, "self_harm"))  # type: ignore[arg-type]
    match = decision.assessment.matches[0]
    assert match.rule_id == "classifier"
    assert match.category == "self_harm"
    assert decision.assessment.categories == ("self_harm",)
    assert match.text == "nothing a rule knows"


def test_a_raised_context_turns_a_weak_signal_into_an_ask() -> None:
    weak = (LIMITS.raised_ask_at + LIMITS.ask_at) / 2
    alone = decide("goodbye then", classifier=FixedClassifier(weak))  # type: ignore[arg-type]
    assert alone.action == "none"
    raised = Context(history=(Signals(low_rating=True),))
    in_context = decide("goodbye then", raised, classifier=FixedClassifier(weak))  # type: ignore[arg-type]
    assert in_context.action == "ask"
    assert in_context.raised
    assert "context:low_rating" in in_context.reasons


def test_a_raised_context_turns_a_middling_signal_into_an_escalation() -> None:
    middling = (LIMITS.raised_escalate_at + LIMITS.escalate_at) / 2
    raised = Context(mood=1)
    text = "it will all be over soon"
    assert decide(text, classifier=FixedClassifier(middling)).action == "ask"  # type: ignore[arg-type]
    decision = decide(text, raised, classifier=FixedClassifier(middling))  # type: ignore[arg-type]
    assert decision.action == "escalate"
    assert decision.assessment.matches[0].rule_id == "classifier_in_context"
    assert decision.assessment.severity == "high"


def test_only_the_recent_turns_raise_the_context() -> None:
    old = Context(history=(Signals(raising_words=("hopeless",)),))
    for _ in range(LIMITS.history_turns):
        old = old.after(Signals())
    assert old.raised(LIMITS) == (False, [])


def test_a_watched_conversation_stays_raised() -> None:
    assert Context(watched=True).raised(LIMITS)[0]


def test_a_low_rating_and_hopeless_words_are_signals_but_flag_nothing_alone() -> None:
    assert signals_of("2, hopeless", "none") == Signals(True, ("hopeless",), False)
    assert not signals_of("8 today!", "none").raising


@pytest.mark.parametrize(
    ("text", "rating"),
    [("2", 2), ("1/10", 1), ("0. done", 0), ("10 out of 10", 10), ("7 people came", 7),
     ("2.5 hours", None), ("11", None), ("hello", None), ("20", None)],
)  # fmt: skip
def test_a_rating_is_read_from_the_start_of_a_message(text: str, rating: int | None) -> None:
    assert rating_in(text) == rating


def test_the_history_builds_the_context_message_by_message() -> None:
    context = context_from_history(["hi", "2", "feeling hopeless"], classifier=FixedClassifier(0.0))  # type: ignore[arg-type]
    raised, reasons = context.raised(LIMITS)
    assert raised
    assert "context:low_rating" in reasons
    assert "context:hopeless" in reasons


def test_a_past_or_third_party_rule_match_asks_rather_than_escalates() -> None:
    decision = decide("my friend said she wants to kill herself", classifier=FixedClassifier(0.05))  # type: ignore[arg-type]
    assert decision.action in ("ask", "none")
    assert not decision.assessment.risk


def test_the_decision_serialises_with_action_score_and_reasons() -> None:
    data = decide("i want to die", classifier=FixedClassifier(0.97)).to_dict()  # type: ignore[arg-type]
    assert data["action"] == "escalate"
    assert data["score"] == 0.97
    assert data["risk"] is True
    assert data["reasons"]


def test_a_high_match_outside_suicide_asks_when_the_classifier_is_sure_it_is_not_risk() -> None:
    text = "i cut myself again last night"
    assert decide(text, classifier=FixedClassifier(0.9)).action == "escalate"  # type: ignore[arg-type]
    assert decide(text, classifier=FixedClassifier(0.01)).action == "ask"  # type: ignore[arg-type]
    raised = Context(mood=1)
    assert decide(text, raised, classifier=FixedClassifier(0.01)).action == "escalate"  # type: ignore[arg-type]


def test_a_question_about_suicide_the_classifier_rejects_gets_asked_not_escalated() -> None:
    question = "what's the difference between passive and active suicidal ideation?"
    assert decide(question, classifier=FixedClassifier(0.01)).action == "ask"  # type: ignore[arg-type]
    assert decide(question, classifier=FixedClassifier(0.5)).action == "escalate"  # type: ignore[arg-type]
    statement = "i am suicidal"
    assert decide(statement, classifier=FixedClassifier(0.01)).action == "escalate"  # type: ignore[arg-type]


def test_an_imminent_cue_escalates_even_as_a_question() -> None:
    text = "i took all my pills an hour ago, what happens now?"
    assert decide(text, classifier=FixedClassifier(0.0)).action == "escalate"  # type: ignore[arg-type]


def test_one_or_two_words_no_rule_matched_are_flagged_only_in_a_raised_context() -> None:
    assert decide("goodbye", classifier=FixedClassifier(0.99)).action == "none"  # type: ignore[arg-type]
    low = Context(mood=2)
    assert decide("goodbye", low, classifier=FixedClassifier(0.99)).action == "ask"  # type: ignore[arg-type]
    assert decide("so much pain", classifier=FixedClassifier(0.99)).action == "escalate"  # type: ignore[arg-type]
    assert decide("kms", classifier=FixedClassifier(0.0)).action == "escalate"  # type: ignore[arg-type]


def test_someone_elses_or_a_past_statement_the_classifier_rejects_is_asked_about() -> None:
    for text in ("my friend told me she wants to kill herself", "when i was 14 i wanted to die"):
        assert decide(text, classifier=FixedClassifier(0.01)).action in ("ask", "none")  # type: ignore[arg-type]
        assert decide(text, classifier=FixedClassifier(0.6)).action == "escalate"  # type: ignore[arg-type]
    assert decide("i want to die", classifier=FixedClassifier(0.01)).action == "escalate"  # type: ignore[arg-type]
