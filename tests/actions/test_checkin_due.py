"""action_offer_due_checkin: the offer the web app runs when the widget opens after the due time."""

from __future__ import annotations

from datetime import datetime, timezone

from rasa_sdk.events import ActionExecuted, SlotSet

from actions.checkin_due import ActionOfferDueCheckin
from bot.storage.engine import Database
from bot.storage.schedule import schedule_checkin
from tests.actions.trackers import make_tracker, run

BUTTONS = [
    {"title": "Start the check-in", "payload": "/start_checkin"},
    {"title": "Not now", "payload": "/deny"},
]
EVENTS = [SlotSet("pending_question", "offer_checkin"), ActionExecuted("action_listen")]


def test_the_offer_names_the_day_it_was_due(actions_database: Database) -> None:
    due = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)
    actions_database.run_sync(schedule_checkin, conversation_id="conv-1", due_at=due)
    events, texts, dispatcher = run(ActionOfferDueCheckin(), make_tracker(sender_id="conv-1"))
    assert texts == ["Welcome back. Your check-in was due on Tuesday 24 November. Shall we start?"]
    assert dispatcher.messages[0]["buttons"] == BUTTONS
    assert events == EVENTS


def test_the_day_is_named_in_the_persons_time_zone(actions_database: Database) -> None:
    due = datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)
    actions_database.run_sync(schedule_checkin, conversation_id="conv-1", due_at=due)
    for zone, day in [("Pacific/Auckland", "Wednesday 25"), ("America/New_York", "Tuesday 24")]:
        tracker = make_tracker(sender_id="conv-1", metadata={"timezone": zone})
        _, texts, _ = run(ActionOfferDueCheckin(), tracker)
        assert texts == [f"Welcome back. Your check-in was due on {day} November. Shall we start?"]


def test_without_a_readable_booking_the_offer_has_no_day(actions_database: Database) -> None:
    events, texts, dispatcher = run(ActionOfferDueCheckin(), make_tracker(sender_id="conv-2"))
    assert texts == ["Welcome back. Your check-in is due. Shall we start?"]
    assert dispatcher.messages[0]["buttons"] == BUTTONS
    assert events == EVENTS
