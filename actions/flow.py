"""What every exercise shares: the offer of one next exercise and free-text answers.

Skipping a question and stopping an exercise are in ``actions/skip_and_stop.py``.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.alliance import log_repair_outcome
from bot.dialogue import messages
from bot.dialogue.exercises import SKIPPED, THOUGHT_RECORD, choose_exercise, is_answered
from bot.dialogue.form_commands import is_digression

logger = logging.getLogger(__name__)

MAX_ANSWER = 1000


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
        clarified = self.clarify(dispatcher, tracker)
        if clarified:
            return clarified
        rejected = self.reject_command(tracker)
        if rejected:
            return rejected
        await log_repair_outcome(tracker)
        _drop_empty_candidates(tracker)
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot(names.SLOT_PENDING_QUESTION) is not None:
            events.append(SlotSet(names.SLOT_PENDING_QUESTION, None))
        return events

    def clarify(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Answer "what do you mean?" about the question; return its events, or [] if not that."""
        return []

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
