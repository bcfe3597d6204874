"""Asking for a human: after the person confirms, queue a low-severity handoff request."""

from __future__ import annotations

import logging
import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.pausing import finish_pause
from bot.dialogue import messages
from bot.storage.handoffs import request_handoff

logger = logging.getLogger(__name__)


def message_id_of(tracker: Tracker) -> str:
    """Return the web app's id for the latest message, or a fresh one (REST without metadata)."""
    metadata = tracker.latest_message.get("metadata") or {}
    message_id = metadata.get("message_id")
    return str(message_id) if message_id else uuid.uuid4().hex


class ActionRequestHandoff(Action):
    """Record the handoff request (keyed on the message id) when the person said yes.

    When they said no and the request had paused an exercise, the exercise resumes.
    """

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_REQUEST_HANDOFF

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Queue the request, or acknowledge the no."""
        confirmed = bool(tracker.get_slot(names.SLOT_HANDOFF_CONFIRMED))
        # "No, carry on": back to the question the person was on (answers were kept).
        events = [
            SlotSet(names.SLOT_HANDOFF_CONFIRMED, None),
            *finish_pause(tracker, resume=not confirmed),
        ]
        if not confirmed:
            dispatcher.utter_message(**messages.render(names.MSG_HANDOFF_DECLINED))
            return events
        try:
            await services.database().run(
                request_handoff,
                conversation_id=tracker.sender_id,
                message_id=message_id_of(tracker),
            )
        except Exception:
            logger.exception("could not queue a handoff request")
            dispatcher.utter_message(**messages.render(names.MSG_SOMETHING_WENT_WRONG))
            return events
        dispatcher.utter_message(**messages.render(names.MSG_HANDOFF_REQUESTED))
        return events
