"""Thought record: a form with validation, thinking traps on request, the change reflected back."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.distortions import asks_for_explanation, explain
from actions.flow import ExerciseFormValidation, answer
from actions.turn_writes import write_once
from bot.dialogue import distortions, messages
from bot.dialogue.clarify import asks_what_the_question_means, help_key
from bot.dialogue.exercises import SKIPPED, is_answered
from bot.dialogue.ratings import parse_rating
from bot.storage.thought_records import ThoughtRecord, save_thought_record

logger = logging.getLogger(__name__)

TR_SLOTS = (
    names.SLOT_TR_SITUATION,
    names.SLOT_TR_THOUGHT,
    names.SLOT_TR_EMOTION,
    names.SLOT_TR_INTENSITY_BEFORE,
    names.SLOT_TR_DISTORTIONS,
    names.SLOT_TR_EVIDENCE_FOR,
    names.SLOT_TR_EVIDENCE_AGAINST,
    names.SLOT_TR_BALANCED_THOUGHT,
    names.SLOT_TR_INTENSITY_AFTER,
)


class ValidateThoughtRecordForm(ExerciseFormValidation):
    """Free text for the answers, 0-100 for intensities, named traps for the distortions.

    A question such as "what is mind reading?" at any step is answered and the step asked again.
    """

    text_slots = (
        names.SLOT_TR_SITUATION,
        names.SLOT_TR_THOUGHT,
        names.SLOT_TR_EMOTION,
        names.SLOT_TR_EVIDENCE_FOR,
        names.SLOT_TR_EVIDENCE_AGAINST,
        names.SLOT_TR_BALANCED_THOUGHT,
    )
    free_text_slots = text_slots

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_THOUGHT_RECORD_FORM

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer a question about a thinking trap instead of storing it as an answer."""
        requested = tracker.get_slot("requested_slot")
        if requested in TR_SLOTS and asks_for_explanation(tracker, requested):
            explain(dispatcher, tracker.latest_message.get("text") or "")
            return [SlotSet(requested, None)]
        return await super().get_validation_events(dispatcher, tracker, domain)

    def clarify(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Say what the question asks when the person asks what it means, then ask it again."""
        requested = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        if (
            requested not in TR_SLOTS
            or requested == names.SLOT_TR_DISTORTIONS
            or not asks_what_the_question_means(text)
            or distortions.mentioned(text)
        ):
            return []
        dispatcher.utter_message(**messages.render(help_key(requested)))
        return [SlotSet(requested, None)]

    def validate_tr_intensity_before(self, value: Any, dispatcher: Any, *_: Any) -> dict[str, Any]:
        """Accept 0-100."""
        return {names.SLOT_TR_INTENSITY_BEFORE: _intensity(value, dispatcher)}

    def validate_tr_intensity_after(self, value: Any, dispatcher: Any, *_: Any) -> dict[str, Any]:
        """Accept 0-100."""
        return {names.SLOT_TR_INTENSITY_AFTER: _intensity(value, dispatcher)}

    def validate_tr_distortions(self, value: Any, dispatcher: Any, *_: Any) -> dict[str, Any]:
        """Accept named traps (several at once) or "none of these"."""
        if value == SKIPPED or (isinstance(value, str) and distortions.is_none(value)):
            return {names.SLOT_TR_DISTORTIONS: SKIPPED}
        chosen = [d.key for d in distortions.mentioned(str(value))]
        if not chosen:
            dispatcher.utter_message(**messages.render(names.MSG_DISTORTIONS_INVALID))
            return {names.SLOT_TR_DISTORTIONS: None}
        return {names.SLOT_TR_DISTORTIONS: chosen}


def _intensity(value: Any, dispatcher: CollectingDispatcher) -> Any:
    if value == SKIPPED:
        return SKIPPED
    rating = parse_rating(str(value), maximum=100)
    if rating is None:
        dispatcher.utter_message(**messages.render(names.MSG_INTENSITY_INVALID))
    return rating


def record_from(tracker: Tracker) -> ThoughtRecord:
    """Build the thought record from the form's slots (skipped answers become None)."""
    slot = tracker.get_slot

    def number(name: str) -> int | None:
        return int(slot(name)) if is_answered(slot(name)) else None

    chosen = slot(names.SLOT_TR_DISTORTIONS)
    return ThoughtRecord(
        situation=answer(slot(names.SLOT_TR_SITUATION)),
        automatic_thought=answer(slot(names.SLOT_TR_THOUGHT)),
        emotion=(answer(slot(names.SLOT_TR_EMOTION)) or "")[:64] or None,
        intensity_before=number(names.SLOT_TR_INTENSITY_BEFORE),
        distortions=list(chosen) if isinstance(chosen, list) else [],
        evidence_for=answer(slot(names.SLOT_TR_EVIDENCE_FOR)),
        evidence_against=answer(slot(names.SLOT_TR_EVIDENCE_AGAINST)),
        balanced_thought=answer(slot(names.SLOT_TR_BALANCED_THOUGHT)),
        intensity_after=number(names.SLOT_TR_INTENSITY_AFTER),
    )


class ActionCompleteThoughtRecord(Action):
    """Store the record, reflect back the change in intensity, then offer a small goal."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_COMPLETE_THOUGHT_RECORD

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write, reflect, offer; clear the answers so a second record starts afresh."""
        record = record_from(tracker)
        try:
            await write_once(
                tracker, save_thought_record, conversation_id=tracker.sender_id, record=record
            )
        except Exception:
            logger.exception("could not store a thought record")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
        before, after = record.intensity_before, record.intensity_after
        emotion = record.emotion or "feeling"
        summary = None
        if before is None or after is None:
            dispatcher.utter_message(**messages.render(names.MSG_TR_CHANGE_UNKNOWN))
        else:
            key = names.MSG_TR_CHANGE_SAME
            values: dict[str, Any] = {"emotion": emotion, "after": after}
            if after != before:
                key = names.MSG_TR_CHANGE_LOWER if after < before else names.MSG_TR_CHANGE_HIGHER
                values["before"] = before
                if after < before:
                    values["balanced"] = record.balanced_thought or ""
            dispatcher.utter_message(**messages.render(key, **values))
            summary = messages.text(
                names.MSG_SUMMARY_THOUGHT_RECORD, emotion=emotion, before=before, after=after
            )
        dispatcher.utter_message(**messages.render(names.MSG_OFFER_GOAL_SETTING))
        return [SlotSet(name, None) for name in TR_SLOTS] + [
            SlotSet(names.SLOT_TR_SUMMARY, summary),
            SlotSet(names.SLOT_PENDING_QUESTION, names.OFFER_GOAL_SETTING),
        ]
