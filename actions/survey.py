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
from actions.alliance import event_id_of, log_repair_outcome
from bot.alliance.instruments import Instrument, load_instrument
from bot.alliance.schedule import survey_is_due
from bot.alliance.scoring import TOTAL, score
from bot.clock import utcnow
from bot.config import Settings
from bot.dialogue import messages
from bot.dialogue.ratings import parse_rating
from bot.storage.alliance import record_signal
from bot.storage.engine import Connection
from bot.storage.surveys import (
    Administration,
    abandon_open_administrations,
    answers_for,
    finish_administration,
    open_administration,
    record_declined,
    record_response,
    start_administration,
    survey_schedule_facts,
)

logger = logging.getLogger(__name__)

# The slot value that tells survey_form every item is answered.
COMPLETE = "complete"

_settings: Settings | None = None


def settings() -> Settings:
    """Return the action server's settings, read from the environment on first use."""
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def override_settings(value: Settings | None) -> None:
    """Replace the settings (tests) or reset them so the next call reads the environment."""
    global _settings
    _settings = value


async def offer_survey_if_due(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """At the end of a completed check-in, offer the survey when the schedule says so."""
    config = settings()
    try:
        instrument = load_instrument(config.survey_instrument)
        completed, last = await services.database().run(
            survey_schedule_facts, conversation_id=tracker.sender_id
        )
    except Exception:
        logger.exception("could not check the survey schedule")
        return []
    due = survey_is_due(
        completed_checkins=completed,
        last_survey_at=last,
        now=utcnow(),
        after_checkins=config.survey_after_checkins,
        every_days=config.survey_every_days,
    )
    if not due:
        return []
    try:
        # A survey left open long ago (the person left, or a crisis interrupted it) is not resumed.
        await services.database().run(
            abandon_open_administrations, conversation_id=tracker.sender_id
        )
    except Exception:
        logger.exception("could not close an old survey")
    dispatcher.utter_message(**messages.render(names.MSG_SURVEY_OFFER, intro=instrument.intro))
    return [SlotSet(names.SLOT_PENDING_QUESTION, names.OFFER_SURVEY)]


def _current(connection: Connection, *, conversation_id: str, instrument: str) -> Administration:
    """Return the administration in progress, starting one when there is none."""
    current = open_administration(connection, conversation_id=conversation_id)
    if current is None:
        start_administration(connection, conversation_id=conversation_id, instrument=instrument)
        current = open_administration(connection, conversation_id=conversation_id)
    assert current is not None  # just inserted in this transaction
    return current


def _next_item(
    connection: Connection, *, conversation_id: str, instrument: str
) -> tuple[Administration, int, int]:
    """Return the open administration, the index of its first unanswered item, and the count."""
    current = _current(connection, conversation_id=conversation_id, instrument=instrument)
    answered = answers_for(connection, administration_id=current.id)
    items = load_instrument(current.instrument).items
    index = next((i for i, item in enumerate(items) if item.id not in answered), len(items))
    return current, index, len(items)


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
                _next_item,
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


def _store_answer(
    connection: Connection, *, conversation_id: str, instrument: str, value: int
) -> bool:
    """Store the answer to the next item; return whether every item is now answered."""
    current, index, count = _next_item(
        connection, conversation_id=conversation_id, instrument=instrument
    )
    if index < count:
        item = load_instrument(current.instrument).items[index]
        record_response(
            connection,
            administration_id=current.id,
            conversation_id=conversation_id,
            item_id=item.id,
            subscale=item.subscale,
            value=value,
        )
    return index + 1 >= count


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
                _store_answer,
                conversation_id=tracker.sender_id,
                instrument=instrument_name,
                value=value,
            )
        except Exception:
            logger.exception("could not store a survey answer")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
            return {names.SLOT_SURVEY_VALUE: COMPLETE}
        return {names.SLOT_SURVEY_VALUE: COMPLETE if done else None}


def _complete(connection: Connection, *, conversation_id: str, event_id: str | None) -> bool:
    """Score the open administration, close it, and log one survey signal per subscale."""
    current = open_administration(connection, conversation_id=conversation_id)
    if current is None:
        return False
    instrument = load_instrument(current.instrument)
    scores = score(instrument, answers_for(connection, administration_id=current.id))
    finish_administration(
        connection, administration_id=current.id, status="completed", scores=scores
    )
    for subscale, value in scores.items():
        if subscale != TOTAL:
            record_signal(
                connection,
                conversation_id=conversation_id,
                event_id=event_id,
                dimension=subscale,
                source="survey",
                value=value,
                cue=f"survey:{instrument.id}"[:48],
            )
    return True


class ActionCompleteSurvey(Action):
    """Score the finished survey, store the scores and signals, and thank the person."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_COMPLETE_SURVEY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Close the administration in one transaction."""
        try:
            completed = await services.database().run(
                _complete, conversation_id=tracker.sender_id, event_id=event_id_of(tracker)
            )
        except Exception:
            logger.exception("could not score a survey")
            completed = False
        if completed:
            dispatcher.utter_message(**messages.render(names.MSG_SURVEY_THANKS))
        else:
            dispatcher.utter_message(**messages.render(names.MSG_SURVEY_STOPPED))
        return [SlotSet(names.SLOT_SURVEY_VALUE, None)]


def _stop(connection: Connection, *, conversation_id: str) -> str | None:
    """Close the open administration: skipped with no answers, abandoned with some."""
    current = open_administration(connection, conversation_id=conversation_id)
    if current is None:
        return None
    status = "abandoned" if answers_for(connection, administration_id=current.id) else "skipped"
    finish_administration(connection, administration_id=current.id, status=status)
    return status


class ActionStopSurvey(Action):
    """Stop or skip mid-way: the answers so far are kept, the rest is not asked."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_STOP_SURVEY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Close the administration and say so."""
        try:
            await services.database().run(_stop, conversation_id=tracker.sender_id)
        except Exception:
            logger.exception("could not stop a survey")
        dispatcher.utter_message(**messages.render(names.MSG_SURVEY_STOPPED))
        return [SlotSet(names.SLOT_SURVEY_VALUE, None), SlotSet(names.SLOT_PENDING_QUESTION, None)]


class ActionDeclineSurvey(Action):
    """Respect a no to the offer: record it, so the schedule waits before asking again."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_DECLINE_SURVEY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store a skipped administration and say it is fine."""
        try:
            await services.database().run(
                record_declined,
                conversation_id=tracker.sender_id,
                instrument=settings().survey_instrument,
            )
        except Exception:
            logger.exception("could not record a declined survey")
        dispatcher.utter_message(**messages.render(names.MSG_SURVEY_DECLINED))
        return [SlotSet(names.SLOT_PENDING_QUESTION, None)]
