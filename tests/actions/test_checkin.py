from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.checkin import ActionLogMood, ValidateMoodForm
from bot.dialogue import messages
from bot.storage.checkins import mood_history
from bot.storage.engine import Database


def make_tracker(slots: dict[str, Any], text: str = "") -> Tracker:
    return Tracker(
        sender_id="conv-1",
        slots=slots,
        latest_message={"text": text, "intent": {"name": "inform_number"}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "mood_form"},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize(
    ("typed", "slot", "responses"),
    [
        ("7", 7.0, []),
        ("about a six", 6.0, []),
        ("12", None, ["mood_rating_invalid"]),
        ("not sure", None, ["mood_rating_invalid"]),
    ],
)
def test_validate_mood_rating(typed: str, slot: float | None, responses: list[str]) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateMoodForm().validate_mood_rating(
        typed, dispatcher, make_tracker({"mood_rating": typed}, typed), {}
    )
    assert result == {"mood_rating": slot}
    assert [m["text"] for m in dispatcher.messages] == [messages.render(r)["text"] for r in responses]


def test_log_mood_writes_the_rating(actions_database: Database) -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionLogMood().run(dispatcher, make_tracker({"mood_rating": 7.0}), {}))
    assert events == [SlotSet("mood_rating", None)]
    assert [m["text"] for m in dispatcher.messages] == [
        "Thanks for telling me. I've noted a 7 for today."
    ]
    assert actions_database.run_sync(mood_history, conversation_id="conv-1") == [7]


def test_log_mood_says_so_when_the_database_fails(tmp_path: Any) -> None:
    broken = Database.from_url(f"sqlite:///{tmp_path / 'unmigrated.db'}")  # no tables
    services.override_database(broken)
    try:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(
            ActionLogMood().run(dispatcher, make_tracker({"mood_rating": 4.0}), {})
        )
    finally:
        services.override_database(None)
        broken.close()
    assert [m["text"] for m in dispatcher.messages] == [
        messages.render("something_went_wrong")["text"]
    ]
    assert events == [SlotSet("mood_rating", None)]


def test_log_mood_without_rating_does_nothing(actions_database: Database) -> None:
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionLogMood().run(dispatcher, make_tracker({}), {})) == []
    assert dispatcher.messages == []
