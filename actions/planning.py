"""Planning one task towards the agreed goal: what, when, and what might get in the way."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.flow import ExerciseFormValidation, answer
from actions.turn_writes import write_once
from bot.dialogue import messages
from bot.dialogue.agreement import is_bare_agreement
from bot.dialogue.exercises import SKIPPED
from bot.storage.goals import plan_task

logger = logging.getLogger(__name__)


class ValidateTaskForm(ExerciseFormValidation):
    """What, when and what might get in the way are free text."""

    text_slots = (names.SLOT_TASK_WHEN, names.SLOT_TASK_OBSTACLE)
    free_text_slots = (names.SLOT_TASK_WHAT, *text_slots)

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_TASK_FORM

    def validate_task_what(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A bare "sure" right after agreeing the goal means the goal itself is the step."""
        if value == SKIPPED:
            return {names.SLOT_TASK_WHAT: SKIPPED}
        text = " ".join(str(value or "").split())
        if not is_bare_agreement(text):
            return {names.SLOT_TASK_WHAT: text or None}
        goal = tracker.get_slot(names.SLOT_AGREED_GOAL)
        if goal:
            return {names.SLOT_TASK_WHAT: str(goal)}
        dispatcher.utter_message(**messages.render(names.MSG_TASK_WHAT_INVALID))
        return {names.SLOT_TASK_WHAT: None}


class ActionSaveTask(Action):
    """Store the planned task and say the plan back."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_SAVE_TASK

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the task (unless its "what" was skipped)."""
        what = answer(tracker.get_slot(names.SLOT_TASK_WHAT))
        when = answer(tracker.get_slot(names.SLOT_TASK_WHEN))
        obstacle = answer(tracker.get_slot(names.SLOT_TASK_OBSTACLE))
        events: list[EventType] = [
            SlotSet(names.SLOT_TASK_WHAT, None),
            SlotSet(names.SLOT_TASK_WHEN, None),
            SlotSet(names.SLOT_TASK_OBSTACLE, None),
        ]
        if not what:
            return events
        try:
            await write_once(
                tracker,
                plan_task,
                conversation_id=tracker.sender_id,
                what=what,
                when_text=when,
                obstacle=obstacle,
            )
        except Exception:
            logger.exception("could not store a task")
        when_text = when or "before we next check in"
        dispatcher.utter_message(
            **messages.render(names.MSG_TASK_PLANNED, what=what, when=when_text)
        )
        return [*events, SlotSet(names.SLOT_SESSION_PLAN, f"{what}, {when_text}")]
