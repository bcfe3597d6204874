from __future__ import annotations

import re

from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.handoff import ActionRequestHandoff, message_id_of
from actions.pausing import ActionPauseExercise
from bot.dialogue import messages
from bot.storage.engine import Database
from bot.storage.escalations import list_escalations
from tests.actions.trackers import make_tracker, run


def test_a_confirmed_handoff_is_queued_once(actions_database: Database) -> None:
    tracker = make_tracker(
        {"handoff_confirmed": True}, intent="affirm", metadata={"message_id": "m-7"}
    )
    events, texts, _ = run(ActionRequestHandoff(), tracker)
    assert events == [SlotSet("handoff_confirmed", None)]
    assert texts == [messages.text("handoff_requested")]
    run(ActionRequestHandoff(), tracker)  # a retry of the same message
    (item,) = actions_database.run_sync(list_escalations, status="open")
    assert (item.kind, item.severity, item.categories, item.message_id) == (
        "handoff", "low", [], "m-7",
    )  # fmt: skip


def test_a_declined_handoff_queues_nothing(actions_database: Database) -> None:
    events, texts, _ = run(ActionRequestHandoff(), make_tracker({"handoff_confirmed": False}))
    assert events == [SlotSet("handoff_confirmed", None)]
    assert texts == [messages.text("handoff_declined")]
    assert actions_database.run_sync(list_escalations) == []


def test_without_metadata_a_fresh_id_is_used() -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", message_id_of(make_tracker()))


def test_asking_for_a_person_pauses_the_exercise_and_remembers_it() -> None:
    tracker = make_tracker(intent="request_human", active_loop="thought_record_form")
    events, texts, _ = run(ActionPauseExercise(), tracker)
    assert events == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("paused_exercise", "thought_record_form"),
    ]
    assert texts == []


def test_only_an_exercise_is_remembered() -> None:
    events, _, _ = run(ActionPauseExercise(), make_tracker(active_loop="delete_form"))
    assert events[-1] == SlotSet("paused_exercise", None)


def test_no_carry_on_resumes_the_paused_exercise(actions_database: Database) -> None:
    slots = {"handoff_confirmed": False, "paused_exercise": "thought_record_form"}
    events, texts, _ = run(ActionRequestHandoff(), make_tracker(slots, intent="deny"))
    assert events == [
        SlotSet("handoff_confirmed", None),
        SlotSet("paused_exercise", None),
        FollowupAction("thought_record_form"),
    ]
    assert texts == [messages.text("handoff_declined")]
    assert actions_database.run_sync(list_escalations) == []


def test_a_confirmed_handoff_does_not_resume_the_exercise(actions_database: Database) -> None:
    slots = {"handoff_confirmed": True, "paused_exercise": "goal_form"}
    events, texts, _ = run(ActionRequestHandoff(), make_tracker(slots, intent="affirm"))
    assert events == [SlotSet("handoff_confirmed", None), SlotSet("paused_exercise", None)]
    assert texts == [messages.text("handoff_requested")]
