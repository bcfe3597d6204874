"""The booked check-in, offered when the person opens the widget after it is due.

The web app runs this action through Rasa's HTTP API (``POST /conversations/{id}/execute``,
see bot/web/checkin_offer.py), outside the usual prediction loop. So it ends the bot's turn
itself with ``action_listen``, as the loop would; the rules in data/rules/checkin.yml then read
"yes" or "no" against ``pending_question``.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.closing import person_zone
from bot.clock import utcnow
from bot.dialogue import messages
from bot.dialogue.scheduling import describe_day
from bot.storage.schedule import due_checkin

logger = logging.getLogger(__name__)

# Rasa's own action that ends a bot turn (not in the domain, so not in actions/names.py).
ACTION_LISTEN = "action_listen"


class ActionOfferDueCheckin(Action):
    """Offer the due check-in with two buttons: start it, or not now."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_OFFER_DUE_CHECKIN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Name the day it was due (when the database can say), then wait for the answer."""
        try:
            due = await services.database().run(
                due_checkin, conversation_id=tracker.sender_id, now=utcnow()
            )
        except Exception:
            logger.exception("could not read the due check-in")
            due = None
        if due is None:
            dispatcher.utter_message(**messages.render(names.MSG_CHECKIN_DUE_OFFER_UNDATED))
        else:
            # In the person's time zone, as the booking was read (their latest message's).
            day = describe_day(due.due_at.astimezone(person_zone(tracker)))
            dispatcher.utter_message(**messages.render(names.MSG_CHECKIN_DUE_OFFER, day=day))
        return [
            SlotSet(names.SLOT_PENDING_QUESTION, names.OFFER_CHECKIN),
            ActionExecuted(ACTION_LISTEN),
        ]
