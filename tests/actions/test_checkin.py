from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.checkin import (
    ActionLogMood,
    ActionReflectCheckin,
    ValidateEmotionForm,
    ValidateMoodForm,
)
from actions.greeting import ActionGreet
from bot.clock import utcnow
from bot.dialogue import messages
from bot.storage.checkin_sessions import checkin_rows, start_checkin
from bot.storage.checkins import mood_history
from bot.storage.engine import Database
from bot.storage.goals import plan_task, record_goal
from bot.storage.participants import set_display_name
from bot.storage.tables import checkins
from tests.actions.trackers import make_tracker, run


def text_of(key: str, **values: Any) -> str:
    return messages.render(key, **values)["text"]


@pytest.mark.parametrize(
    ("typed", "slot", "responses"),
    [
        ("7", 7.0, []),
        ("about a six", 6.0, []),
        ("skipped", "skipped", []),
        ("12", None, ["mood_rating_invalid"]),
        ("not sure", None, ["mood_rating_invalid"]),
    ],
)
def test_validate_mood_rating(typed: str, slot: Any, responses: list[str]) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateMoodForm().validate_mood_rating(
        typed, dispatcher, make_tracker({"mood_rating": typed}, text=typed), {}
    )
    assert result == {"mood_rating": slot}
    assert [m["text"] for m in dispatcher.messages] == [text_of(r) for r in responses]


def test_log_mood_opens_a_checkin(actions_database: Database) -> None:
    events, texts, _ = run(ActionLogMood(), make_tracker({"mood_rating": 7.0}))
    assert events == []
    assert texts == ["Thanks for telling me. I've noted a 7 for today."]
    assert actions_database.run_sync(mood_history, conversation_id="conv-1") == [7]
    (row,) = actions_database.run_sync(checkin_rows, conversation_id="conv-1")
    assert (row["mood"], row["status"], row["step"]) == (7, "in_progress", "mood")


def test_a_skipped_mood_opens_a_checkin_quietly(actions_database: Database) -> None:
    events, texts, _ = run(ActionLogMood(), make_tracker({"mood_rating": "skipped"}))
    assert (events, texts) == ([], [])
    (row,) = actions_database.run_sync(checkin_rows, conversation_id="conv-1")
    assert row["mood"] is None


def test_log_mood_says_so_when_the_database_fails(tmp_path: Any) -> None:
    broken = Database.from_url(f"sqlite:///{tmp_path / 'unmigrated.db'}")  # no tables
    services.override_database(broken)
    try:
        events, texts, _ = run(ActionLogMood(), make_tracker({"mood_rating": 4.0}))
    finally:
        services.override_database(None)
        broken.close()
    assert texts == [text_of("something_went_wrong")]
    assert events == []


@pytest.mark.parametrize(
    ("text", "entities", "slot", "responses"),
    [
        ("sad and lonely", [{"entity": "emotion", "value": "sad"},
                            {"entity": "emotion", "value": "lonely"}], ["sad", "lonely"], []),
        ("kind of flat", [], ["kind of flat"], []),
        ("   ", [], None, ["emotions_invalid"]),
        # A question is not a feeling: asked again, not echoed back as one.
        ("what's the weather like tomorrow", [], None, ["emotions_invalid"]),
        ("what do you mean?", [], None, ["emotions_invalid"]),
        ("am i just sad?", [{"entity": "emotion", "value": "sad"}], ["sad"], []),
        ("pretty chuffed actually, got a lot done", [],
         ["pretty chuffed actually, got a lot done"], []),
    ],
)  # fmt: skip
def test_validate_emotions(
    text: str, entities: list[dict[str, Any]], slot: Any, responses: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text=text, entities=entities, intent="mood_negative")
    result = ValidateEmotionForm().validate_emotions(text, dispatcher, tracker, {})
    assert result == {"emotions": slot}
    assert [m["text"] for m in dispatcher.messages] == [text_of(r) for r in responses]


def test_reflect_low_mood_offers_a_thought_record(actions_database: Database) -> None:
    actions_database.run_sync(start_checkin, conversation_id="conv-1", mood=2)
    tracker = make_tracker({"mood_rating": 2.0, "emotions": ["sad", "lonely"]})
    events, texts, dispatcher = run(ActionReflectCheckin(), tracker)
    assert texts == [
        text_of("reflect_low", emotions="sad and lonely"),
        text_of("offer_thought_record"),
    ]
    assert dispatcher.messages[1]["buttons"][0]["payload"] == "/start_thought_record"
    assert events == [SlotSet("pending_question", "offer_thought_record")]
    (row,) = actions_database.run_sync(checkin_rows, conversation_id="conv-1")
    assert row["emotions"] == ["sad", "lonely"] and row["step"] == "emotions"


def test_a_sentence_is_kept_but_not_echoed(actions_database: Database) -> None:
    typed = ["pretty chuffed actually, got a lot done"]
    tracker = make_tracker({"mood_rating": 8.0, "emotions": typed})
    _, texts, _ = run(ActionReflectCheckin(), tracker)
    assert texts == [text_of("reflect_high_plain"), text_of("offer_goal_setting")]


def test_reflect_good_mood_offers_a_goal(actions_database: Database) -> None:
    events, texts, _ = run(
        ActionReflectCheckin(), make_tracker({"mood_rating": 8.0, "emotions": ["calm"]})
    )
    assert texts == [text_of("reflect_high", emotions="calm"), text_of("offer_goal_setting")]
    assert events == [SlotSet("pending_question", "offer_goal_setting")]


def test_reflect_reviews_last_times_task_first(actions_database: Database) -> None:
    slots = {"mood_rating": "skipped", "emotions": "skipped", "task_pending": True,
             "pending_task": "walk to the park"}  # fmt: skip
    events, texts, dispatcher = run(ActionReflectCheckin(), make_tracker(slots))
    assert texts == [
        text_of("reflect_nothing"),
        "Last time you planned to: walk to the park. How did it go?",
    ]
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == [
        "/task_done", "/task_partly_done", "/task_not_done",
    ]  # fmt: skip
    assert events == [SlotSet("pending_question", None)]


def test_first_greeting_says_ally_is_a_bot(actions_database: Database) -> None:
    events, texts, _ = run(ActionGreet(), make_tracker(intent="greet"))
    assert texts == [text_of("greet_first")]
    assert "chatbot (not a person)" in texts[0]
    assert SlotSet("task_pending", False) in events
    assert SlotSet("pending_task", None) in events
    assert SlotSet("mood_rating", None) in events


def test_opening_with_a_low_mood_is_heard_before_the_first_question(
    actions_database: Database,
) -> None:
    _, texts, _ = run(ActionGreet(), make_tracker(text="i feel awful", intent="mood_negative"))
    assert texts == [text_of("greet_first"), text_of("opening_low")]
    _, texts, _ = run(ActionGreet(), make_tracker(text="feeling great", intent="mood_positive"))
    assert texts == [text_of("greet_first")]


def test_return_greeting_uses_name_days_and_goal(actions_database: Database) -> None:
    db = actions_database
    db.run_sync(set_display_name, conversation_id="conv-1", name="Sam")
    db.run_sync(start_checkin, conversation_id="conv-1", mood=5)
    db.run_sync(
        lambda c: c.execute(sa.update(checkins).values(started_at=utcnow() - timedelta(days=3)))
    )
    db.run_sync(record_goal, conversation_id="conv-1", status="accepted", text="a short walk")
    db.run_sync(plan_task, conversation_id="conv-1", what="walk", when_text="mon", obstacle=None)
    events, texts, _ = run(ActionGreet(), make_tracker(intent="greet"))
    assert texts == [
        "Welcome back, Sam. I'm Ally, the check-in chatbot (not a person). It's been 3 days "
        "since our last check-in. Last time you set a goal: a short walk. You can stop or skip "
        "at any time."
    ]
    assert SlotSet("task_pending", True) in events
    assert SlotSet("pending_task", "walk") in events
    assert SlotSet("display_name", "Sam") in events


def test_second_greeting_in_a_session_is_short(actions_database: Database) -> None:
    earlier = [{"event": "session_started"}, {"event": "action", "name": "action_greet"},
               {"event": "user", "text": "check in"}]  # fmt: skip
    _, texts, _ = run(ActionGreet(), make_tracker(events=earlier))
    assert texts == [text_of("greet_again")]


def test_a_form_started_after_slot_resets_does_not_validate_them() -> None:
    # action_greet resets the mood just before mood_form starts: "None" must not read as 0.
    tracker = make_tracker(
        {},
        intent="greet",
        events=[
            {"event": "action", "name": "action_greet"},
            {"event": "slot", "name": "mood_rating", "value": None},
            {"event": "slot", "name": "emotions", "value": None},
        ],
    )
    domain = {"forms": {"mood_form": {"required_slots": ["mood_rating"]}}}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateMoodForm().run(dispatcher, tracker, domain))
    assert events == []
    assert dispatcher.messages == []
