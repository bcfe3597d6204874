"""How a survey ends: completed and scored, stopped mid-way, or declined when offered."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.survey_offer import settings
from actions.turn_writes import event_id_of, write_once
from bot.alliance.administration import complete_administration, stop_administration
from bot.dialogue import messages
from bot.storage.surveys import record_declined

logger = logging.getLogger(__name__)


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
            completed = await write_once(
                tracker,
                complete_administration,
                conversation_id=tracker.sender_id,
                event_id=event_id_of(tracker),
            )
        except Exception:
            logger.exception("could not score a survey")
            completed = False
        if completed:
            dispatcher.utter_message(**messages.render(names.MSG_SURVEY_THANKS))
        else:
            dispatcher.utter_message(**messages.render(names.MSG_SURVEY_STOPPED))
        return [SlotSet(names.SLOT_SURVEY_VALUE, None)]


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
            await services.database().run(stop_administration, conversation_id=tracker.sender_id)
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
            await write_once(
                tracker,
                record_declined,
                conversation_id=tracker.sender_id,
                instrument=settings().survey_instrument,
            )
        except Exception:
            logger.exception("could not record a declined survey")
        dispatcher.utter_message(**messages.render(names.MSG_SURVEY_DECLINED))
        return [SlotSet(names.SLOT_PENDING_QUESTION, None)]
