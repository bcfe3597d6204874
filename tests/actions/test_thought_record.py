from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.distortions import ActionExplainDistortion
from actions.thought_record import TR_SLOTS, ActionCompleteThoughtRecord, ValidateThoughtRecordForm
from bot.dialogue import messages
from bot.storage.engine import Database
from bot.storage.thought_records import thought_record_rows
from tests.actions.trackers import make_tracker, run

DOMAIN = {"forms": {"thought_record_form": {"required_slots": list(TR_SLOTS)}}}


def validate(slot: str, typed: str, intent: str = "nlu_fallback") -> tuple[list[Any], list[str]]:
    """Run the form validation as Rasa does, with ``typed`` extracted for ``slot``."""
    tracker = make_tracker(
        {"requested_slot": slot, slot: typed},
        text=typed,
        intent=intent,
        events=[{"event": "slot", "name": slot, "value": typed}],
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateThoughtRecordForm().run(dispatcher, tracker, DOMAIN))
    return events, [m["text"] for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("typed", "value", "texts"),
    [
        ("Catastrophising", ["catastrophising"], []),
        ("mind reading and labelling", ["mind_reading", "labelling"], []),
        ("None of these", "skipped", []),
        ("my boss", None, [messages.text("distortions_invalid")]),
    ],
)
def test_distortions_are_chosen_by_name(typed: str, value: Any, texts: list[str]) -> None:
    events, sent = validate("tr_distortions", typed, intent="explain_distortion")
    assert events == [SlotSet("tr_distortions", value)]
    assert sent == texts


def test_a_question_about_a_trap_is_explained_at_any_step() -> None:
    events, sent = validate("tr_evidence_for", "what is mind reading?", "explain_distortion")
    assert events == [SlotSet("tr_evidence_for", None)]
    assert sent == [
        "Mind reading: assuming you know what others think, usually something negative about you."
    ]


def test_a_question_while_choosing_is_explained_whatever_the_intent() -> None:
    events, sent = validate("tr_distortions", "what is labelling?", "chitchat")
    assert events == [SlotSet("tr_distortions", None)]
    assert sent[0].startswith("Labelling: ")


def test_a_question_at_another_step_is_an_answer_unless_it_is_about_a_trap() -> None:
    events, sent = validate("tr_thought", "what if I fail?", "nlu_fallback")
    assert events == [SlotSet("tr_thought", "what if I fail?")]
    assert sent == []


@pytest.mark.parametrize(
    ("slot", "typed", "intent"),
    [
        ("tr_emotion", "what do you mean", "explain_distortion"),
        ("tr_situation", "huh?", "out_of_scope"),
        ("tr_evidence_for", "i don't get it", "frustrated_with_bot"),
        ("tr_intensity_before", "like what?", "nlu_fallback"),
    ],
)
def test_what_do_you_mean_explains_the_question_and_asks_it_again(
    slot: str, typed: str, intent: str
) -> None:
    events, sent = validate(slot, typed, intent)
    assert events == [SlotSet(slot, None)]
    assert sent == [messages.text(f"help_{slot}")]


def test_a_thought_that_opens_like_a_question_is_kept() -> None:
    typed = "i don't understand why she left"
    events, sent = validate("tr_thought", typed, "explain_distortion")
    assert events == [SlotSet("tr_thought", typed)]
    assert sent == []


def test_asking_about_traps_in_general_lists_them_all() -> None:
    events, sent = validate("tr_distortions", "what are these?", "explain_distortion")
    assert events == [SlotSet("tr_distortions", None)]
    assert sent[0].startswith("The common thinking traps") and sent[0].count("•") == 10


@pytest.mark.parametrize(
    ("typed", "value", "texts"),
    [("80", 80, []), ("seventy", 70, []), ("150", None, [messages.text("intensity_invalid")])],
)
def test_intensity_is_0_to_100(typed: str, value: Any, texts: list[str]) -> None:
    events, sent = validate("tr_intensity_before", typed, "inform_number")
    assert events == [SlotSet("tr_intensity_before", value)]
    assert sent == texts


def test_free_text_is_kept_and_a_pending_offer_cleared() -> None:
    tracker = make_tracker(
        {"requested_slot": "tr_situation", "pending_question": "offer_thought_record"},
        text="  team   meeting ",
        events=[{"event": "slot", "name": "tr_situation", "value": "  team   meeting "}],
    )
    events = asyncio.run(ValidateThoughtRecordForm().run(CollectingDispatcher(), tracker, DOMAIN))
    assert events == [SlotSet("tr_situation", "team meeting"), SlotSet("pending_question", None)]


FILLED = {
    "tr_situation": "team meeting",
    "tr_thought": "they think I'm useless",
    "tr_emotion": "anxious",
    "tr_intensity_before": 80,
    "tr_distortions": ["mind_reading"],
    "tr_evidence_for": "nobody replied",
    "tr_evidence_against": "my manager thanked me",
    "tr_balanced_thought": "they were busy",
    "tr_intensity_after": 40,
}


def test_completing_reflects_the_change_and_offers_a_goal(actions_database: Database) -> None:
    events, texts, _ = run(ActionCompleteThoughtRecord(), make_tracker(FILLED))
    assert texts == [
        'You rated "anxious" at 80 at the start and 40 now. That shift came from your own balanced '
        'thought: "they were busy".',
        messages.text("offer_goal_setting"),
    ]
    assert events == [SlotSet(s, None) for s in TR_SLOTS] + [
        SlotSet("tr_summary", "• Thought record: anxious from 80 to 40"),
        SlotSet("pending_question", "offer_goal_setting"),
    ]
    (row,) = actions_database.run_sync(thought_record_rows, conversation_id="conv-1")
    assert row["status"] == "completed" and row["distortions"] == ["mind_reading"]
    assert (row["intensity_before"], row["intensity_after"]) == (80, 40)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (80, messages.text("tr_change_same", emotion="anxious", after=80)),
        (90, messages.text("tr_change_higher", emotion="anxious", before=80, after=90)),
        ("skipped", messages.text("tr_change_unknown")),
    ],
)
def test_completing_without_improvement(
    actions_database: Database, after: Any, expected: str
) -> None:
    tracker = make_tracker({**FILLED, "tr_intensity_after": after})
    _, texts, _ = run(ActionCompleteThoughtRecord(), tracker)
    assert texts == [expected, messages.text("offer_goal_setting")]


def test_explain_outside_the_form() -> None:
    events, texts, _ = run(
        ActionExplainDistortion(), make_tracker(text="what does catastrophising mean")
    )
    assert events == []
    assert texts == [
        "Catastrophising: jumping to the worst possible outcome and treating it as likely."
    ]
