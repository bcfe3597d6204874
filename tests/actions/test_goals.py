from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.goals import ActionAskGoalText, ActionRejectGoal, ActionSaveGoal, ValidateGoalForm
from actions.planning import ActionSaveTask, ValidateTaskForm
from bot.dialogue import messages
from bot.dialogue.goals import LOW_MOOD_GOAL, MIDDLE_MOOD_GOAL
from bot.storage.engine import Database
from bot.storage.goals import goal_rows, task_rows
from tests.actions.trackers import make_tracker, run

GOAL_DOMAIN = {"forms": {"goal_form": {"required_slots": ["goal_text"]}}}
TASK_DOMAIN = {
    "forms": {"task_form": {"required_slots": ["task_what", "task_when", "task_obstacle"]}}
}


def test_ally_proposes_a_goal_that_fits_the_mood() -> None:
    events, texts, dispatcher = run(ActionAskGoalText(), make_tracker({"mood_rating": 5.0}))
    assert texts == [messages.text("ask_goal_text", goal=MIDDLE_MOOD_GOAL)]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert events == [SlotSet("proposed_goal", MIDDLE_MOOD_GOAL)]


def test_a_goal_stated_up_front_fills_the_form() -> None:
    tracker = make_tracker(text="my goal is to sleep before midnight", intent="state_goal")
    events = asyncio.run(ValidateGoalForm().run(CollectingDispatcher(), tracker, GOAL_DOMAIN))
    assert SlotSet("goal_text", "my goal is to sleep before midnight") in events


def test_other_intents_do_not_fill_the_form_on_activation() -> None:
    tracker = make_tracker(text="set a goal", intent="start_goal_setting")
    events = asyncio.run(ValidateGoalForm().run(CollectingDispatcher(), tracker, GOAL_DOMAIN))
    assert events == []


@pytest.mark.parametrize(
    ("value", "typed", "expected"),
    [
        ("accepted_proposal", "yes", "accepted_proposal"),
        ("accepted_proposal", "yes but only on one day a week", "yes but only on one day a week"),
        ("a swim on sunday", "a swim on sunday", "a swim on sunday"),
    ],
)
def test_validate_goal_text(value: str, typed: str, expected: str) -> None:
    result = ValidateGoalForm().validate_goal_text(
        value, CollectingDispatcher(), make_tracker(text=typed, intent="affirm"), {}
    )
    assert result == {"goal_text": expected}


@pytest.mark.parametrize(
    ("slots", "goal", "status"),
    [
        (
            {"goal_text": "accepted_proposal", "proposed_goal": LOW_MOOD_GOAL},
            LOW_MOOD_GOAL,
            "accepted",
        ),
        ({"goal_text": "a swim", "proposed_goal": LOW_MOOD_GOAL}, "a swim", "edited"),
        ({"goal_text": "a swim"}, "a swim", "accepted"),
    ],
)  # fmt: skip
def test_save_goal(
    actions_database: Database, slots: dict[str, Any], goal: str, status: str
) -> None:
    events, texts, _ = run(ActionSaveGoal(), make_tracker(slots))
    assert texts == [f"Great, your goal is: {goal}."]
    assert events == [
        SlotSet("agreed_goal", goal),
        SlotSet("goal_text", None),
        SlotSet("proposed_goal", None),
    ]
    (row,) = actions_database.run_sync(goal_rows, conversation_id="conv-1")
    assert (row["text"], row["status"]) == (goal, status)


def test_reject_goal(actions_database: Database) -> None:
    events, texts, _ = run(ActionRejectGoal(), make_tracker({"proposed_goal": LOW_MOOD_GOAL}))
    assert texts == [messages.text("goal_rejected")]
    assert events == [SlotSet("goal_text", None), SlotSet("proposed_goal", None)]
    (row,) = actions_database.run_sync(goal_rows, conversation_id="conv-1")
    assert (row["status"], row["text"], row["proposed_text"]) == ("rejected", None, LOW_MOOD_GOAL)


def test_task_answers_are_free_text() -> None:
    tracker = make_tracker(
        {"requested_slot": "task_when"},
        text="monday  evening",
        events=[{"event": "slot", "name": "task_when", "value": "monday  evening"}],
    )
    events = asyncio.run(ValidateTaskForm().run(CollectingDispatcher(), tracker, TASK_DOMAIN))
    assert events == [SlotSet("task_when", "monday evening")]


@pytest.mark.parametrize(
    ("typed", "agreed", "expected", "texts"),
    [
        ("walk round the block", "get outside more", "walk round the block", []),
        ("sure", "read 20 pages of my book", "read 20 pages of my book", []),
        ("Yep!", "call my sister", "call my sister", []),
        ("that one", "call my sister", "call my sister", []),
        ("ok", None, None, ["task_what_invalid"]),
    ],
)
def test_a_bare_yes_for_the_step_means_the_agreed_goal(
    typed: str, agreed: str | None, expected: str | None, texts: list[str]
) -> None:
    tracker = make_tracker(
        {"requested_slot": "task_what", "agreed_goal": agreed},
        text=typed,
        intent="affirm",
        events=[{"event": "slot", "name": "task_what", "value": typed}],
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateTaskForm().run(dispatcher, tracker, TASK_DOMAIN))
    assert events == [SlotSet("task_what", expected)]
    assert [m["text"] for m in dispatcher.messages] == [messages.text(t) for t in texts]


def test_save_task(actions_database: Database) -> None:
    slots = {
        "task_what": "walk to the park",
        "task_when": "monday evening",
        "task_obstacle": "rain",
    }
    events, texts, _ = run(ActionSaveTask(), make_tracker(slots))
    assert texts == [messages.text("task_planned", what="walk to the park", when="monday evening")]
    assert events[-1] == SlotSet("session_plan", "walk to the park, monday evening")
    (row,) = actions_database.run_sync(task_rows, conversation_id="conv-1")
    assert (row["what"], row["when_text"], row["obstacle"], row["status"]) == (
        "walk to the park", "monday evening", "rain", "planned",
    )  # fmt: skip


def test_a_skipped_task_is_not_saved(actions_database: Database) -> None:
    events, texts, _ = run(ActionSaveTask(), make_tracker({"task_what": "skipped"}))
    assert texts == []
    assert events == [
        SlotSet("task_what", None),
        SlotSet("task_when", None),
        SlotSet("task_obstacle", None),
    ]
    assert actions_database.run_sync(task_rows, conversation_id="conv-1") == []
