"""Mood check-in: validate the 0-10 rating and store it."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from bot.dialogue import messages
from bot.dialogue.ratings import parse_rating
from bot.storage.checkins import record_mood

logger = logging.getLogger(__name__)


class ValidateMoodForm(FormValidationAction):
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
        rating = parse_rating(str(slot_value), maximum=10)
        if rating is None:
            dispatcher.utter_message(**messages.render(names.MSG_MOOD_RATING_INVALID))
            return {names.SLOT_MOOD_RATING: None}
        return {names.SLOT_MOOD_RATING: float(rating)}


class ActionLogMood(Action):
    """Store the validated mood rating in Ally's database."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_LOG_MOOD

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the rating; on a database failure, say so instead of pretending."""
        rating = tracker.get_slot(names.SLOT_MOOD_RATING)
        if rating is None:
            return []
        try:
            await services.database().run(
                record_mood, conversation_id=tracker.sender_id, rating=int(rating)
            )
        except Exception:
            # The person still gets an answer; the log carries no message text.
            logger.exception("could not store a mood rating")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
            return [SlotSet(names.SLOT_MOOD_RATING, None)]
        dispatcher.utter_message(**messages.render(names.MSG_MOOD_LOGGED, rating=int(rating)))
        return [SlotSet(names.SLOT_MOOD_RATING, None)]
