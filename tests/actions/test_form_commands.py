"""Free-text answers inside forms: a misleading intent keeps the answer, a command rejects."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import FormValidationAction
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkin import ValidateEmotionForm, ValidateMoodForm
from actions.closing import ValidateCloseForm
from actions.goals import ValidateGoalForm
from actions.planning import ValidateTaskForm
from actions.tasks import ValidateProblemSolvingForm
from actions.thought_record import ValidateThoughtRecordForm
from tests.actions.trackers import make_tracker


def validate(
    action: FormValidationAction,
    slot: str,
    typed: str,
    intent: str,
    confidence: float,
    required: list[str] | None = None,
) -> tuple[list[Any], list[str]]:
    """Run the validation as Rasa does, with ``typed`` extracted for ``slot``."""
    tracker = make_tracker(
        {"requested_slot": slot, slot: typed},
        text=typed,
        intent=intent,
        events=[{"event": "slot", "name": slot, "value": typed}],
        active_loop=action.form_name(),
    )
    tracker.latest_message["intent"]["confidence"] = confidence
    domain = {"forms": {action.form_name(): {"required_slots": required or [slot]}}}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, [m.get("response") or m.get("text") for m in dispatcher.messages]


ANSWERS = [
    ("she cancelled on me twice this month", "stop", 0.96),
    ("she was busy the last two times i asked", "frustrated_with_bot", 0.45),
    ("i want to stop feeling like a burden to my friends", "stop", 0.9),
    ("skipping lunch again because of the deadline", "skip", 0.85),
    ("thanks to my sister i got there on time", "thank", 0.8),
]


@pytest.mark.parametrize(("typed", "intent", "confidence"), ANSWERS)
@pytest.mark.parametrize(
    "slot", ["tr_situation", "tr_thought", "tr_evidence_for", "tr_balanced_thought"]
)
def test_a_long_answer_with_a_digression_intent_is_kept(
    slot: str, typed: str, intent: str, confidence: float
) -> None:
    events, sent = validate(ValidateThoughtRecordForm(), slot, typed, intent, confidence)
    assert SlotSet(slot, typed) in events
    assert not any(e["event"] == "action_execution_rejected" for e in events)
    assert sent == []


COMMANDS = [
    ("stop", "stop", 0.55),
    ("can we stop please", "stop", 0.4),
    ("skip this", "skip", 0.5),
    ("/skip", "skip", 1.0),
    ("talk to a human", "request_human", 0.6),
    ("are you a bot?", "bot_challenge", 0.3),
    ("this is useless", "frustrated_with_bot", 0.5),
    ("thanks!", "thank", 0.7),
    ("i'm done", "stop", 0.9),
]


@pytest.mark.parametrize(("typed", "intent", "confidence"), COMMANDS)
@pytest.mark.parametrize(
    ("action", "slot"),
    [
        (ValidateThoughtRecordForm(), "tr_situation"),
        (ValidateThoughtRecordForm(), "tr_evidence_against"),
        (ValidateGoalForm(), "goal_text"),
        (ValidateTaskForm(), "task_when"),
        (ValidateProblemSolvingForm(), "task_barrier"),
        (ValidateCloseForm(), "display_name"),
        (ValidateEmotionForm(), "emotions"),
    ],
)
def test_a_command_rejects_the_form_and_drops_the_candidate(
    action: FormValidationAction, slot: str, typed: str, intent: str, confidence: float
) -> None:
    events, sent = validate(action, slot, typed, intent, confidence)
    assert events == [SlotSet(slot, None), ActionExecutionRejected(action.form_name())]
    assert sent == []


def test_a_command_is_only_checked_for_the_text_just_extracted() -> None:
    """Back in the form after a digression there is no candidate: nothing is rejected."""
    tracker = make_tracker(
        {"requested_slot": "tr_situation"},
        text="stop",
        intent="stop",
        events=[{"event": "action", "name": "thought_record_form"}],
        active_loop="thought_record_form",
    )
    assert ValidateThoughtRecordForm().reject_command(tracker) == []


def test_the_mood_rating_is_not_a_free_text_slot() -> None:
    """A number slot never takes a digression intent (not_intent), so nothing to reject here."""
    tracker = make_tracker(
        {"requested_slot": "mood_rating", "mood_rating": "stop"},
        text="stop",
        intent="stop",
        events=[{"event": "slot", "name": "mood_rating", "value": "stop"}],
    )
    assert ValidateMoodForm().reject_command(tracker) == []


# Set by the risk layer (bot/nlu/risk_override.py) or the direct question's buttons.
RISK_LAYER_INTENTS = {
    "risk_disclosure", "risk_check", "risk_check_yes", "risk_check_unsure", "risk_check_no",
}  # fmt: skip


def test_free_text_slot_mappings_only_exclude_risk(domain: dict[str, Any]) -> None:
    """The answer reaches the validation; risk never does (it must always interrupt)."""
    free = set()
    for action in (
        ValidateThoughtRecordForm(), ValidateGoalForm(), ValidateTaskForm(),
        ValidateProblemSolvingForm(), ValidateCloseForm(), ValidateEmotionForm(),
    ):  # fmt: skip
        free.update(action.free_text_slots)
    for name, slot in domain["slots"].items():
        for mapping in slot.get("mappings", []):
            if mapping.get("type") != "from_text":
                continue
            excluded = set(mapping.get("not_intent", []))
            assert "risk_disclosure" in excluded, name
            if name in free:
                assert excluded <= RISK_LAYER_INTENTS | {"affirm", "deny"}, name
            else:
                assert {"stop", "skip", "request_human"} <= excluded, name
