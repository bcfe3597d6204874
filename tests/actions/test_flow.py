from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.skip_and_stop import ActionSkipQuestion, ActionStopExercise
from actions.thought_record import TR_SLOTS
from bot.dialogue import messages
from bot.storage.checkin_sessions import checkin_rows, start_checkin
from bot.storage.engine import Database
from bot.storage.thought_records import thought_record_rows
from tests.actions.trackers import make_tracker, run

DOMAIN = {
    "forms": {
        "thought_record_form": {"required_slots": list(TR_SLOTS)},
        "emotion_form": {"required_slots": ["emotions"]},
        "close_form": {"required_slots": ["next_checkin", "display_name"]},
    }
}


def test_skip_marks_the_requested_slot() -> None:
    events, texts, _ = run(ActionSkipQuestion(), make_tracker({"requested_slot": "tr_thought"}))
    assert events == [SlotSet("tr_thought", "skipped")]
    assert texts == [messages.text("question_skipped")]


def test_stop_in_a_thought_record_records_where_it_stopped(actions_database: Database) -> None:
    slots = {"requested_slot": "tr_emotion", "tr_situation": "bus", "tr_thought": "late again"}
    tracker = make_tracker(slots, intent="stop", active_loop="thought_record_form")
    events, texts, dispatcher = run(ActionStopExercise(), tracker, DOMAIN)
    assert texts == [messages.text("exercise_stopped")]
    assert len(dispatcher.messages[0]["buttons"]) == 3
    assert events == [SlotSet(s, None) for s in TR_SLOTS] + [SlotSet("pending_question", None)]
    (row,) = actions_database.run_sync(thought_record_rows, conversation_id="conv-1")
    assert (row["status"], row["step"], row["situation"]) == ("abandoned", "tr_emotion", "bus")


def test_stop_in_a_checkin_marks_it_abandoned(actions_database: Database) -> None:
    actions_database.run_sync(start_checkin, conversation_id="conv-1", mood=5)
    tracker = make_tracker({"requested_slot": "emotions"}, active_loop="emotion_form")
    events, _, _ = run(ActionStopExercise(), tracker, DOMAIN)
    assert events == [SlotSet("emotions", None), SlotSet("pending_question", None)]
    (row,) = actions_database.run_sync(checkin_rows, conversation_id="conv-1")
    assert (row["status"], row["step"]) == ("abandoned", "emotions")


def test_stop_keeps_a_known_name(actions_database: Database) -> None:
    tracker = make_tracker({"requested_slot": "next_checkin"}, active_loop="close_form")
    events, _, _ = run(ActionStopExercise(), tracker, DOMAIN)
    assert events == [SlotSet("next_checkin", None), SlotSet("pending_question", None)]
