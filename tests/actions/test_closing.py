from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.closing import SESSION_SLOTS, ActionCloseSession, ValidateCloseForm, person_zone
from bot.clock import utcnow
from bot.dialogue import messages
from bot.storage.checkin_sessions import checkin_rows, start_checkin
from bot.storage.engine import Database
from bot.storage.participants import return_context
from bot.storage.schedule import due_checkin, next_checkin
from tests.actions.trackers import make_tracker, run


def test_next_checkin_is_read_in_the_persons_zone() -> None:
    tracker = make_tracker(metadata={"timezone": "Europe/Berlin"})
    assert str(person_zone(tracker)) == "Europe/Berlin"
    assert str(person_zone(make_tracker(metadata={"timezone": "Mars/Base"}))) == "UTC"
    result = ValidateCloseForm().validate_next_checkin(
        "tomorrow at 6pm", CollectingDispatcher(), tracker, {}
    )
    when = datetime.fromisoformat(result["next_checkin"])
    assert (when.hour, when.utcoffset()) == (18, timedelta(hours=1))


@pytest.mark.parametrize(
    ("typed", "ok"), [("in 3 days", True), ("skipped", True), ("whenever", False)]
)
def test_validate_next_checkin(typed: str, ok: bool) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateCloseForm().validate_next_checkin(typed, dispatcher, make_tracker(), {})
    assert (result["next_checkin"] is not None) is ok
    assert [m["text"] for m in dispatcher.messages] == (
        [] if ok else [messages.text("next_checkin_invalid")]
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("Sam", "Sam"),
        ("call me robin", "Robin"),
        ("skip", "skipped"),
        ("nothing really", "skipped"),
        ("no i'm good", "skipped"),
        ("i don't really want to say that right now", None),
        ("x" * 41, None),
    ],
)
def test_validate_display_name(typed: str, value: Any) -> None:
    result = ValidateCloseForm().validate_display_name(
        typed, CollectingDispatcher(), make_tracker(), {}
    )
    assert result == {"display_name": value}


def test_close_books_the_next_checkin_and_summarises(actions_database: Database) -> None:
    db = actions_database
    db.run_sync(start_checkin, conversation_id="conv-1", mood=6)
    when = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    slots = {
        "mood_rating": 6.0,
        "emotions": ["calm", "tired"],
        "tr_summary": "• Thought record: anxious from 80 to 40",
        "agreed_goal": "a short walk",
        "session_plan": "walk to the park, monday evening",
        "next_checkin": when.isoformat(),
        "display_name": "Sam",
    }
    events, texts, _ = run(ActionCloseSession(), make_tracker(slots))
    assert texts[0].splitlines() == [
        "Here's a short summary of today:",
        "• Mood: 6 out of 10",
        "• Feelings: calm and tired",
        "• Thought record: anxious from 80 to 40",
        "• Goal: a short walk",
        "• Plan: walk to the park, monday evening",
        f"• Next check-in: {when:%A} {when.day} {when:%B} at {when:%H:%M} (UTC)",
    ]
    assert texts[1] == "Thank you for checking in, Sam. Take care until then."
    assert events == [SlotSet(slot, None) for slot in SESSION_SLOTS]
    assert db.run_sync(next_checkin, conversation_id="conv-1") == when
    assert db.run_sync(due_checkin, conversation_id="conv-1", now=when) is not None
    assert db.run_sync(return_context, conversation_id="conv-1").display_name == "Sam"
    assert db.run_sync(checkin_rows, conversation_id="conv-1")[0]["status"] == "completed"


def test_close_without_a_booking_or_name(actions_database: Database) -> None:
    slots = {"next_checkin": "skipped", "display_name": "skipped"}
    with mock.patch("actions.closing.utcnow", return_value=utcnow()):
        events, texts, _ = run(ActionCloseSession(), make_tracker(slots))
    assert texts == [
        "Here's a short summary of today:\n• No next check-in booked. You can come back any time.",
        "Thank you for checking in. Take care until then.",
    ]
    assert events[-1] == SlotSet("display_name", None)
    assert actions_database.run_sync(next_checkin, conversation_id="conv-1") is None
