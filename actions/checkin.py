"""Daily check-in: mood 0-10, emotion words, a reflection, then one offer (greeting.py greets)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.flow import ExerciseFormValidation, emotions_of, mood_of, offer_exercise
from actions.turn_writes import write_once
from bot.dialogue import messages
from bot.dialogue.exercises import (
    SKIPPED,
    emotions_from,
    is_question,
    join_words,
    reflection_key,
)
from bot.dialogue.ratings import parse_rating
from bot.storage.checkin_sessions import record_emotions, start_checkin

logger = logging.getLogger(__name__)


class ValidateMoodForm(ExerciseFormValidation):
    """Turn what the person typed into a whole-number rating, or ask again."""

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_MOOD_FORM

    def validate_mood_rating(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accept 0-10 in digits or words; anything else is asked again."""
        if slot_value == SKIPPED:
            return {names.SLOT_MOOD_RATING: SKIPPED}
        rating = parse_rating(str(slot_value), maximum=10)
        if rating is None:
            dispatcher.utter_message(**messages.render(names.MSG_MOOD_RATING_INVALID))
            return {names.SLOT_MOOD_RATING: None}
        return {names.SLOT_MOOD_RATING: float(rating)}


class ActionLogMood(Action):
    """Open the check-in in Ally's database with its mood rating."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_LOG_MOOD

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the rating; on a database failure, say so instead of pretending."""
        rating = mood_of(tracker)
        try:
            await write_once(tracker, start_checkin, conversation_id=tracker.sender_id, mood=rating)
        except Exception:
            # The person still gets an answer; the log carries no message text.
            logger.exception("could not store a mood rating")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
            return []
        if rating is not None:
            dispatcher.utter_message(**messages.render(names.MSG_MOOD_LOGGED, rating=rating))
        return []


class ValidateEmotionForm(ExerciseFormValidation):
    """Read the emotion words: lookup-table entities first, else the person's own words."""

    free_text_slots = (names.SLOT_EMOTIONS,)

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_EMOTION_FORM

    def validate_emotions(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Return the list of emotion words, or ask again."""
        if slot_value == SKIPPED:
            return {names.SLOT_EMOTIONS: SKIPPED}
        entities = tracker.latest_message.get("entities") or []
        text = str(slot_value or "")
        words = emotions_from(entities, text)
        if not words or (words == emotions_from([], text) and is_question(text)):
            # Nothing, or a question ("what's the weather like?"), not a feeling: ask again.
            dispatcher.utter_message(**messages.render(names.MSG_EMOTIONS_INVALID))
            return {names.SLOT_EMOTIONS: None}
        return {names.SLOT_EMOTIONS: words}


class ActionReflectCheckin(Action):
    """Reflect back what was said, then review last time's task or offer one exercise."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_REFLECT_CHECKIN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store the emotion words, reflect, and ask the one next question."""
        mood, emotions = mood_of(tracker), emotions_of(tracker)
        if emotions:
            try:
                await services.database().run(
                    record_emotions, conversation_id=tracker.sender_id, emotions=emotions
                )
            except Exception:
                logger.exception("could not store emotion words")
        key = reflection_key(mood, emotions)
        values = {"emotions": join_words(emotions)} if messages.placeholders(key) else {}
        dispatcher.utter_message(**messages.render(key, **values))
        task = tracker.get_slot(names.SLOT_PENDING_TASK)
        if tracker.get_slot(names.SLOT_TASK_PENDING) and task:
            dispatcher.utter_message(**messages.render(names.MSG_ASK_TASK_REVIEW, task=task))
            return [SlotSet(names.SLOT_PENDING_QUESTION, None)]
        return offer_exercise(dispatcher, tracker)
