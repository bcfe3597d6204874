"""Deleting one's data: only a yes sends the signal, and the action itself deletes nothing."""

from __future__ import annotations

from rasa_sdk.events import FollowupAction, SlotSet

from actions.privacy import ActionDeleteMyData
from bot.dialogue import messages
from bot.storage.checkins import mood_history, record_mood
from bot.storage.engine import Database
from tests.actions.trackers import make_tracker, run


def test_a_yes_confirms_and_signals_the_web_app(actions_database: Database) -> None:
    actions_database.run_sync(record_mood, conversation_id="conv-1", rating=4)
    events, texts, dispatcher = run(
        ActionDeleteMyData(), make_tracker({"delete_confirmed": True}, intent="affirm")
    )
    assert events == [SlotSet("delete_confirmed", None)]
    assert texts[0] == messages.text("delete_done")
    assert [m["custom"] for m in dispatcher.messages if m.get("custom")] == [
        {"ally_event": "delete_my_data"}
    ]
    # The web app deletes after the turn; the action must not (Rasa re-saves the tracker).
    assert actions_database.run_sync(mood_history, conversation_id="conv-1") == [4]


def test_a_no_keeps_everything_and_sends_no_signal() -> None:
    for confirmed in (False, None):
        events, texts, dispatcher = run(
            ActionDeleteMyData(), make_tracker({"delete_confirmed": confirmed}, intent="deny")
        )
        assert events == [SlotSet("delete_confirmed", None)]
        assert texts == [messages.text("delete_kept")]
        assert not any(m.get("custom") for m in dispatcher.messages)


def test_a_no_resumes_the_exercise_the_request_paused() -> None:
    slots = {"delete_confirmed": False, "paused_exercise": "mood_form"}
    events, texts, _ = run(ActionDeleteMyData(), make_tracker(slots, intent="deny"))
    assert events == [
        SlotSet("delete_confirmed", None),
        SlotSet("paused_exercise", None),
        FollowupAction("mood_form"),
    ]
    assert texts == [messages.text("delete_kept")]


def test_a_yes_does_not_resume_the_exercise() -> None:
    slots = {"delete_confirmed": True, "paused_exercise": "mood_form"}
    events, _, _ = run(ActionDeleteMyData(), make_tracker(slots, intent="affirm"))
    assert events == [SlotSet("delete_confirmed", None), SlotSet("paused_exercise", None)]
