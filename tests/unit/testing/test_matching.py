from __future__ import annotations

from bot.testing.cases import TestCase, parse_step
from bot.testing.matching import evaluate, response_for, template_pattern
from bot.testing.observed import (
    BotMessage,
    EscalationRecord,
    SignalRecord,
    Turn,
    assign_escalations,
    assign_signals,
    split_turns,
)

TEMPLATES = {"ask_mood": "How are you, {name}?", "summary_intro": "Here's a summary:"}


def case(*steps: dict) -> TestCase:
    return TestCase("c", "f.yml", tuple(parse_step(s, i) for i, s in enumerate(steps, 1)))


def turn(**kwargs: object) -> Turn:
    values = {"text": "hi", "message_id": "m1", "sent_at": 100.0, "received_at": 101.0,
              "found": True}  # fmt: skip
    values.update(kwargs)
    return Turn(**values)  # type: ignore[arg-type]


def test_bot_and_utter_steps_consume_the_turns_messages_in_order() -> None:
    observed = turn(
        bot_messages=[BotMessage("Hello.", "utter_greet"), BotMessage("How are you, Sam?")]
    )
    passing = case({"user": "hi"}, {"bot": "Hello."}, {"utter": "ask_mood"})
    assert evaluate(passing, [observed], TEMPLATES) is None
    swapped = case({"user": "hi"}, {"utter": "ask_mood"})
    failure = evaluate(swapped, [observed], TEMPLATES)
    assert failure is not None and failure.step.index == 2
    assert failure.expected == "ask_mood" and failure.actual.startswith("utter_greet")


def test_an_exact_text_mismatch_shows_both_texts() -> None:
    observed = turn(bot_messages=[BotMessage("Hello!")])
    failure = evaluate(case({"user": "hi"}, {"bot": "Hello."}), [observed], TEMPLATES)
    assert failure is not None
    assert failure.describe() == "step 2 (bot): expected 'Hello.'\n  actual: 'Hello!'"


def test_too_few_messages_is_a_failure() -> None:
    failure = evaluate(
        case({"user": "hi"}, {"bot": "a"}, {"bot": "b"}),
        [turn(bot_messages=[BotMessage("a")])],
        TEMPLATES,
    )
    assert failure is not None and "the bot said only: a" in failure.actual


def test_a_message_that_never_reached_the_tracker_fails_its_user_step() -> None:
    failure = evaluate(case({"user": "hi"}), [turn(found=False)], TEMPLATES)
    assert failure is not None and failure.step.kind == "user"


def test_templates_match_placeholders_and_composed_messages() -> None:
    assert template_pattern("How are you, {name}?").fullmatch("How are you, Sam Lee?")
    assert not template_pattern("How are you, {name}?").fullmatch("How are you, Sam")
    assert template_pattern("Here's a summary:").fullmatch("Here's a summary:\n• Mood: 3")
    assert response_for("How are you, Jo?", {"any": "{x}", **TEMPLATES}) == "ask_mood"


def test_intent_slot_escalation_and_signal_steps() -> None:
    observed = turn(
        intent="risk_disclosure",
        confidence=1.0,
        slots=[("escalation_open", True), ("mood_rating", "3")],
        escalations=[EscalationRecord("m1", "risk", "high", ("self_harm",))],
        signals=[SignalRecord("e1", "bond", "behaviour", -0.5, "frustration", 100.5)],
    )
    good = case(
        {"user": "x"},
        {"intent": "risk_disclosure"},
        {"slot_was_set": ["escalation_open", {"mood_rating": 3}]},
        {"escalation": {"severity": "high", "categories": ["self_harm"]}},
        {"alliance_signal": {"dimension": "bond", "sign": "-"}},
    )
    assert evaluate(good, [observed], TEMPLATES) is None
    for step, expected in [
        ({"intent": "greet"}, "risk_disclosure (1.00)"),
        ({"slot_was_set": {"mood_rating": 4}}, "mood_rating = '3'"),
        ({"escalation": "none"}, "severity: high"),
        ({"escalation": {"severity": "imminent"}}, "severity: high"),
        ({"alliance_signal": {"dimension": "bond", "sign": "+"}}, "sign: '-'"),
        ({"slot_was_set": "display_name"}, "not set in this turn (set: escalation_open"),
    ]:
        failure = evaluate(case({"user": "x"}, step), [observed], TEMPLATES)
        assert failure is not None and expected in failure.actual, (step, failure)


def test_tracker_events_are_split_into_the_runners_turns() -> None:
    turns = [turn(message_id="m1"), turn(message_id="m2", sent_at=200.0)]
    events = [
        {"event": "slot", "name": "fixture", "value": 1},
        {"event": "user", "metadata": {"message_id": "m1"}, "message_id": "e1",
         "parse_data": {"intent": {"name": "greet", "confidence": 0.9}, "risk": {"risk": False}}},
        {"event": "action", "name": "action_greet"},
        {"event": "bot", "text": "Hi", "metadata": {"utter_action": "utter_hi"}},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "metadata": {"message_id": "m2"}, "message_id": "e2", "parse_data": {}},
        {"event": "slot", "name": "mood_rating", "value": 3},
    ]  # fmt: skip
    split_turns(events, turns)
    first, second = turns
    assert (first.event_id, first.intent, first.confidence) == ("e1", "greet", 0.9)
    assert first.actions == ["action_greet"] and first.bot_messages == [
        BotMessage("Hi", "utter_hi")
    ]
    assert first.slots == [] and second.slots == [("mood_rating", 3)]

    assign_signals(
        turns,
        [
            SignalRecord("e2", "goal", "behaviour", 1, "a", 150.0),
            SignalRecord(None, "task", "behaviour", 0, "b", 150.0),
            SignalRecord(None, "bond", "behaviour", 1, "c", 250.0),
            SignalRecord(None, "bond", "behaviour", 1, "d", 50.0),
        ],
    )
    assert [s.cue for s in first.signals] == ["b"]
    assert [s.cue for s in second.signals] == ["a", "c"]
    assign_escalations(turns, [EscalationRecord("m2", "handoff", "low", ())])
    assert first.escalations == [] and len(second.escalations) == 1


def test_a_template_that_is_only_a_placeholder_never_names_a_text() -> None:
    assert response_for("anything at all", {"survey_offer": "{intro}"}) is None
