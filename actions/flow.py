"""What every exercise shares: the offer of one next exercise, free-text answers, skip and stop."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.alliance import log_cue, log_repair_outcome
from bot.dialogue import messages
from bot.dialogue.exercises import SKIPPED, THOUGHT_RECORD, choose_exercise, is_answered
from bot.dialogue.form_commands import is_digression
from bot.storage.checkin_sessions import finish_checkin
from bot.storage.thought_records import save_thought_record

logger = logging.getLogger(__name__)

MAX_ANSWER = 1000
# The forms of the daily check-in: stopping one abandons the check-in.
CHECKIN_FORMS = (names.FORM_MOOD, names.FORM_EMOTION, names.FORM_CLOSE)


def mood_of(tracker: Tracker) -> int | None:
    """Return the session's mood rating as an int, or None when not given or skipped."""
    value = tracker.get_slot(names.SLOT_MOOD_RATING)
    return int(value) if is_answered(value) else None


def emotions_of(tracker: Tracker) -> list[str]:
    """Return the session's emotion words (empty when not given or skipped)."""
    value = tracker.get_slot(names.SLOT_EMOTIONS)
    return [str(v) for v in value] if isinstance(value, list) else []


def offer_exercise(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Offer the one exercise that fits the mood, and remember what was asked."""
    if choose_exercise(mood_of(tracker), emotions_of(tracker)) == THOUGHT_RECORD:
        dispatcher.utter_message(**messages.render(names.MSG_OFFER_THOUGHT_RECORD))
        return [SlotSet(names.SLOT_PENDING_QUESTION, names.OFFER_THOUGHT_RECORD)]
    dispatcher.utter_message(**messages.render(names.MSG_OFFER_GOAL_SETTING))
    return [SlotSet(names.SLOT_PENDING_QUESTION, names.OFFER_GOAL_SETTING)]


def answer(value: Any) -> str | None:
    """Return a slot value as the text to store: None when skipped or empty."""
    return str(value)[:MAX_ANSWER] if is_answered(value) else None


class ExerciseFormValidation(FormValidationAction, ABC):
    """Validation shared by the exercise forms: free text is kept as typed, trimmed.

    Slots listed in ``text_slots`` get that validation without a method of their own. An offer
    that was pending when the form started is cleared, so a later "yes" is not taken as
    accepting it again.

    Slots listed in ``free_text_slots`` take any text as the answer (their mappings do not
    exclude the digression intents), unless :func:`bot.dialogue.form_commands.is_digression`
    says the message is a command: then the candidate is dropped and the form is rejected, so
    the digression rules in data/rules/form_digressions.yml answer and the question is asked
    again (or the form stops, skips, hands over).
    """

    text_slots: tuple[str, ...] = ()
    free_text_slots: tuple[str, ...] = ()

    @abstractmethod
    def name(self) -> str:
        """Return the action name (abstract, so rasa-sdk does not register this base)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Validate as usual, clearing a pending offer; an answer after a repair accepts it."""
        rejected = self.reject_command(tracker)
        if rejected:
            return rejected
        await log_repair_outcome(tracker)
        _drop_empty_candidates(tracker)
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot(names.SLOT_PENDING_QUESTION) is not None:
            events.append(SlotSet(names.SLOT_PENDING_QUESTION, None))
        return events

    def reject_command(self, tracker: Tracker) -> list[EventType]:
        """Return the events that reject the form when a free-text answer is really a command.

        Only the text just extracted for the requested free-text slot is checked; the manual
        rejection (an ``ActionExecutionRejected`` event) keeps the form from asking the next
        question and clears the candidate, which Rasa would otherwise keep as the answer.
        """
        requested = tracker.get_slot("requested_slot")
        message = tracker.latest_message or {}
        text = message.get("text")
        if requested not in self.free_text_slots or not text:
            return []
        if tracker.slots_to_validate().get(requested) != text:
            return []
        intent = message.get("intent") or {}
        if not is_digression(text, intent.get("name"), intent.get("confidence")):
            return []
        return [SlotSet(requested, None), ActionExecutionRejected(self.form_name())]

    def __getattr__(self, attribute: str) -> Any:
        """Accept any ``validate_<slot>`` not defined explicitly as free text."""
        slot = attribute.removeprefix("validate_")
        if attribute.startswith("validate_") and slot in type(self).text_slots:

            def validate_text(value: Any, *_: Any) -> dict[str, Any]:
                if value == SKIPPED:
                    return {slot: SKIPPED}
                text = " ".join(str(value).split()) if value is not None else ""
                return {slot: text[:MAX_ANSWER] if text else None}

            return validate_text
        raise AttributeError(attribute)


def _drop_empty_candidates(tracker: Tracker) -> None:
    """Remove ``None`` values from the slot events rasa-sdk will validate.

    rasa-sdk validates every trailing ``SlotSet`` of the tracker. When a form starts right
    after an action that reset slots (``action_greet`` clears the mood), those resets would be
    validated as if the person had typed "None" (which reads as a rating of 0).
    """
    start = len(tracker.events)
    while start > 0 and tracker.events[start - 1].get("event") == "slot":
        start -= 1
    candidates = [e for e in tracker.events[start:] if e.get("value") is not None]
    tracker.events = tracker.events[:start] + candidates


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
        # Imported here: actions.thought_record imports this module.
        from actions.thought_record import record_from

        await database.run(
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
