"""Skip the question a form is asking, or stop the exercise: available inside every form."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.alliance import log_cue, log_repair_outcome
from actions.thought_record import record_from
from actions.turn_writes import write_once
from bot.dialogue import messages
from bot.dialogue.exercises import SKIPPED
from bot.storage.checkin_sessions import finish_checkin
from bot.storage.thought_records import save_thought_record

logger = logging.getLogger(__name__)

# The forms of the daily check-in: stopping one abandons the check-in.
CHECKIN_FORMS = (names.FORM_MOOD, names.FORM_EMOTION, names.FORM_CLOSE)


class ActionSkipQuestion(Action):
    """Skip the question the form is asking: the slot counts as answered."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_SKIP_QUESTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Mark the requested slot skipped."""
        dispatcher.utter_message(**messages.render(names.MSG_QUESTION_SKIPPED))
        slot = tracker.get_slot("requested_slot")
        return [SlotSet(slot, SKIPPED)] if slot else []


class ActionStopExercise(Action):
    """Stop the running exercise: note where it stopped, forget its answers, hand back control."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_STOP_EXERCISE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Record the abandoned exercise, then say so and offer a choice."""
        form = (tracker.active_loop or {}).get("name")
        step = tracker.get_slot("requested_slot")
        await log_repair_outcome(tracker)
        try:
            checkin_abandoned = await _record_abandoned(tracker, form, step)
        except Exception:
            logger.exception("could not record a stopped exercise")
            checkin_abandoned = form in CHECKIN_FORMS
        if checkin_abandoned:
            await log_cue(tracker, "checkin_abandoned", step=step)
        dispatcher.utter_message(**messages.render(names.MSG_EXERCISE_STOPPED))
        required = domain.get("forms", {}).get(form, {}).get("required_slots", []) if form else []
        kept = {names.SLOT_DISPLAY_NAME}
        return [SlotSet(slot, None) for slot in required if slot not in kept] + [
            SlotSet(names.SLOT_PENDING_QUESTION, None)
        ]


async def _record_abandoned(tracker: Tracker, form: str | None, step: str | None) -> bool:
    """Store where the exercise stopped; return whether a check-in was abandoned."""
    database = services.database()
    if form == names.FORM_THOUGHT_RECORD:
        await write_once(
            tracker,
            save_thought_record,
            conversation_id=tracker.sender_id,
            record=record_from(tracker),
            status="abandoned",
            step=step,
        )
    elif form in CHECKIN_FORMS:
        return bool(
            await database.run(
                finish_checkin, conversation_id=tracker.sender_id, status="abandoned", step=step
            )
        )
    return False
