"""The in-chat alliance survey: offered after a completed check-in, asked one item at a time.

The instrument (items, subscales, scale labels) is data: ``ALLY_SURVEY_INSTRUMENT`` names a file
in ``bot/alliance/data/instruments/``. ``survey_form`` asks its one slot again after each
answer until every item has one; the database holds which items are answered.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.alliance import log_repair_outcome
from actions.survey_offer import settings
from bot.alliance.administration import next_item, store_answer
from bot.alliance.instruments import Instrument, load_instrument
from bot.dialogue import messages
from bot.dialogue.ratings import parse_rating
from bot.storage.surveys import (
    open_administration,
)

logger = logging.getLogger(__name__)

# The slot value that tells survey_form every item is answered.
COMPLETE = "complete"


class ActionAskSurveyValue(Action):
    """Ask the next unanswered item, with one button per scale point."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_ASK_SURVEY_VALUE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Start the administration if needed, then send the item."""
        try:
            current, index, count = await services.database().run(
                next_item,
                conversation_id=tracker.sender_id,
                instrument=settings().survey_instrument,
            )
        except Exception:
            logger.exception("could not load the survey")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
            return [SlotSet(names.SLOT_SURVEY_VALUE, COMPLETE)]
        instrument = load_instrument(current.instrument)
        if index >= count:
            return []
        item = instrument.items[index]
        rendered = messages.render(
            names.MSG_SURVEY_ITEM, number=index + 1, count=count, text=item.text
        )
        rendered["buttons"] = instrument.buttons(
            names.INTENT_INFORM_NUMBER, names.SLOT_SURVEY_VALUE
        )
        dispatcher.utter_message(**rendered)
        return []


def parse_answer(tracker: Tracker, slot_value: Any, instrument: Instrument) -> int | None:
    """Read an answer from a button's entity, a scale label ("always"), or typed digits."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == names.SLOT_SURVEY_VALUE:
            slot_value = entity.get("value")
            break
    typed = " ".join(str(slot_value or "").casefold().split()).strip(" .!")
    for point, label in instrument.labels.items():
        if typed in (label.casefold(), f"{point} {label.casefold()}"):
            return point
    value = parse_rating(typed, maximum=instrument.maximum)
    return value if value is not None and value >= instrument.minimum else None


class ValidateSurveyForm(FormValidationAction):
    """Store each answer; the form completes when every item has one."""

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_SURVEY_FORM

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Validate as usual and clear the offer that started the survey."""
        await log_repair_outcome(tracker)
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot(names.SLOT_PENDING_QUESTION) is not None:
            events.append(SlotSet(names.SLOT_PENDING_QUESTION, None))
        return events

    async def validate_survey_value(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Store a valid answer and ask the next item, or explain the scale and ask again."""
        if slot_value == COMPLETE:
            return {names.SLOT_SURVEY_VALUE: COMPLETE}
        instrument_name = settings().survey_instrument
        try:
            current = await services.database().run(
                open_administration, conversation_id=tracker.sender_id
            )
            instrument = load_instrument(current.instrument if current else instrument_name)
            value = parse_answer(tracker, slot_value, instrument)
            if value is None:
                dispatcher.utter_message(
                    **messages.render(
                        names.MSG_SURVEY_VALUE_INVALID,
                        minimum=instrument.minimum,
                        maximum=instrument.maximum,
                    )
                )
                return {names.SLOT_SURVEY_VALUE: None}
            done = await services.database().run(
                store_answer,
                conversation_id=tracker.sender_id,
                instrument=instrument_name,
                value=value,
            )
        except Exception:
            logger.exception("could not store a survey answer")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
            return {names.SLOT_SURVEY_VALUE: COMPLETE}
        return {names.SLOT_SURVEY_VALUE: COMPLETE if done else None}
