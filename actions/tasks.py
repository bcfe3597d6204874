"""Task review at the next check-in, and one problem-solving step when it did not go to plan."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.alliance import log_cue
from actions.flow import ExerciseFormValidation, answer, offer_exercise
from bot.dialogue import messages
from bot.dialogue.goals import suggest_step
from bot.storage.goals import record_barrier, review_task

logger = logging.getLogger(__name__)

_REVIEW = {
    names.INTENT_TASK_DONE: ("done", names.MSG_TASK_REVIEW_DONE),
    names.INTENT_TASK_PARTLY_DONE: ("partly_done", names.MSG_TASK_REVIEW_PARTLY),
    names.INTENT_TASK_NOT_DONE: ("not_done", names.MSG_TASK_REVIEW_NOT_DONE),
}


class ActionReviewTask(Action):
    """Record how last time's task went; praise it, or start problem solving without blame."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_REVIEW_TASK

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store the review; after "done", offer the next exercise."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        status, key = _REVIEW.get(intent, _REVIEW[names.INTENT_TASK_NOT_DONE])
        try:
            await services.database().run(
                review_task, conversation_id=tracker.sender_id, status=status
            )
        except Exception:
            logger.exception("could not store a task review")
        await log_cue(tracker, f"task_{status}")
        dispatcher.utter_message(**messages.render(key))
        events: list[EventType] = [
            SlotSet(names.SLOT_TASK_PENDING, False),
            SlotSet(names.SLOT_PENDING_TASK, None),
        ]
        if status == "done":
            events += offer_exercise(dispatcher, tracker)
        return events


class ActionClarifyTaskReview(Action):
    """While last time's task waits for its review, ask whether a stated plan is news of it.

    "phoned my gran on sunday" reads like a new goal to the classifier; starting goal setting
    would skip the review the person was just asked for.
    """

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_CLARIFY_TASK_REVIEW

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask the question with the task named; no events."""
        task = tracker.get_slot(names.SLOT_PENDING_TASK) or "your task"
        dispatcher.utter_message(**messages.render(names.MSG_ASK_TASK_OR_GOAL, task=task))
        return []


class ActionAskTaskNextStep(Action):
    """Ask for one small change, with an idea that fits the barrier the person named."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_ASK_TASK_NEXT_STEP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask the question; no events."""
        suggestion = suggest_step(answer(tracker.get_slot(names.SLOT_TASK_BARRIER)))
        dispatcher.utter_message(
            **messages.render(names.MSG_ASK_TASK_NEXT_STEP, suggestion=suggestion)
        )
        return []


class ValidateProblemSolvingForm(ExerciseFormValidation):
    """The barrier and the next step are free text."""

    text_slots = (names.SLOT_TASK_BARRIER, names.SLOT_TASK_NEXT_STEP)
    free_text_slots = text_slots

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_PROBLEM_SOLVING_FORM


class ActionPlanNextStep(Action):
    """Store the barrier and the step, say the step back, then offer one exercise."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_PLAN_NEXT_STEP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the problem-solving answers and move on."""
        barrier = answer(tracker.get_slot(names.SLOT_TASK_BARRIER))
        step = answer(tracker.get_slot(names.SLOT_TASK_NEXT_STEP))
        try:
            await services.database().run(
                record_barrier, conversation_id=tracker.sender_id, barrier=barrier, next_step=step
            )
        except Exception:
            logger.exception("could not store a barrier")
        if step:
            dispatcher.utter_message(**messages.render(names.MSG_NEXT_STEP_AGREED, step=step))
        events: list[Any] = [
            SlotSet(names.SLOT_TASK_BARRIER, None),
            SlotSet(names.SLOT_TASK_NEXT_STEP, None),
        ]
        return events + offer_exercise(dispatcher, tracker)
