"""Offering the in-chat alliance survey at the end of a check-in, when its schedule says so.

The schedule (after how many check-ins, how often) and the instrument come from the action
server's settings (``ALLY_SURVEY_*``), read from the environment on first use.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import names, services
from bot.alliance.instruments import load_instrument
from bot.alliance.schedule import survey_is_due
from bot.clock import utcnow
from bot.config import Settings
from bot.dialogue import messages
from bot.storage.surveys import abandon_open_administrations, survey_schedule_facts

logger = logging.getLogger(__name__)

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
