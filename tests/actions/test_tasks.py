from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.tasks import (
    ActionAskTaskNextStep,
    ActionClarifyTaskReview,
    ActionPlanNextStep,
    ActionReviewTask,
)
from bot.dialogue import messages
from bot.storage.engine import Database
from bot.storage.goals import plan_task, task_rows
from tests.actions.trackers import make_tracker, run


@pytest.fixture
def planned(actions_database: Database) -> Database:
    actions_database.run_sync(
        plan_task, conversation_id="conv-1", what="walk", when_text="mon", obstacle=None
    )
    return actions_database


def test_done_is_praised_and_the_next_exercise_offered(planned: Database) -> None:
    tracker = make_tracker({"mood_rating": 7.0, "task_pending": True}, intent="task_done")
    events, texts, _ = run(ActionReviewTask(), tracker)
    assert texts == [messages.text("task_review_done"), messages.text("offer_goal_setting")]
    assert events == [
        SlotSet("task_pending", False),
        SlotSet("pending_task", None),
        SlotSet("pending_question", "offer_goal_setting"),
    ]
    assert planned.run_sync(task_rows, conversation_id="conv-1")[0]["status"] == "done"


@pytest.mark.parametrize(
    ("intent", "key", "status"),
    [
        ("task_not_done", "task_review_not_done", "not_done"),
        ("task_partly_done", "task_review_partly", "partly_done"),
    ],
)
def test_not_done_starts_problem_solving_without_blame(
    planned: Database, intent: str, key: str, status: str
) -> None:
    events, texts, _ = run(ActionReviewTask(), make_tracker({"task_pending": True}, intent=intent))
    assert texts == [messages.text(key)]
    assert "no blame" in texts[0]
    assert events == [SlotSet("task_pending", False), SlotSet("pending_task", None)]
    assert planned.run_sync(task_rows, conversation_id="conv-1")[0]["status"] == status


def test_a_plan_stated_during_the_review_is_checked_with_the_task_named() -> None:
    tracker = make_tracker(
        {"task_pending": True, "pending_task": "phone my gran"}, intent="state_goal"
    )
    events, texts, _ = run(ActionClarifyTaskReview(), tracker)
    assert events == []
    assert texts == [
        "Just to check: is that about last time's plan (phone my gran), or something new "
        "you'd like to work on?"
    ]
    payloads = [b["payload"] for b in messages.render("ask_task_or_goal", task="x")["buttons"]]
    assert payloads == ["/task_done", "/task_partly_done", "/task_not_done", "/start_goal_setting"]


def test_the_next_step_question_fits_the_barrier() -> None:
    events, texts, _ = run(ActionAskTaskNextStep(), make_tracker({"task_barrier": "I forgot"}))
    assert events == []
    assert texts == [
        "What's one small change that could make it easier next time? One idea: set a "
        "reminder on your phone for the time you chose."
    ]


def test_plan_next_step_stores_it_and_offers_an_exercise(planned: Database) -> None:
    run(ActionReviewTask(), make_tracker({"task_pending": True}, intent="task_not_done"))
    slots = {"task_barrier": "I forgot", "task_next_step": "set an alarm", "mood_rating": 3.0}
    events, texts, _ = run(ActionPlanNextStep(), make_tracker(slots))
    assert texts == [
        messages.text("next_step_agreed", step="set an alarm"),
        messages.text("offer_thought_record"),
    ]
    assert events == [
        SlotSet("task_barrier", None),
        SlotSet("task_next_step", None),
        SlotSet("pending_question", "offer_thought_record"),
    ]
    (task,) = planned.run_sync(task_rows, conversation_id="conv-1")
    assert (task["barrier"], task["next_step"]) == ("I forgot", "set an alarm")
