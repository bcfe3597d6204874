"""Asking for a human: after the person confirms, queue a low-severity handoff request."""

from __future__ import annotations

import logging
import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from bot.dialogue import messages
from bot.storage.handoffs import request_handoff

logger = logging.getLogger(__name__)


def message_id_of(tracker: Tracker) -> str:
    """Return the web app's id for the latest message, or a fresh one (REST without metadata)."""
    metadata = tracker.latest_message.get("metadata") or {}
    message_id = metadata.get("message_id")
    return str(message_id) if message_id else uuid.uuid4().hex


# The exercises that asking for a person pauses, and that "no, carry on" resumes.
RESUMABLE_FORMS = frozenset(
    {
        names.FORM_MOOD, names.FORM_EMOTION, names.FORM_THOUGHT_RECORD, names.FORM_GOAL,
        names.FORM_TASK, names.FORM_PROBLEM_SOLVING, names.FORM_CLOSE,
    }
)  # fmt: skip


class ActionPauseForHandoff(Action):
    """Leave the exercise for the handoff question, remembering which one it was.

    Does what ``action_deactivate_loop`` does, and keeps the form's name in ``paused_exercise``
    so that declining the handoff returns the person to the same question.
    """

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_PAUSE_FOR_HANDOFF

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Deactivate the form and remember it."""
        paused = tracker.active_loop_name
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet(names.SLOT_PAUSED_EXERCISE, paused if paused in RESUMABLE_FORMS else None),
        ]


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
        events: list[EventType] = [SlotSet(names.SLOT_HANDOFF_CONFIRMED, None)]
        paused = tracker.get_slot(names.SLOT_PAUSED_EXERCISE)
        if paused is not None:
            events.append(SlotSet(names.SLOT_PAUSED_EXERCISE, None))
        if not tracker.get_slot(names.SLOT_HANDOFF_CONFIRMED):
            dispatcher.utter_message(**messages.render(names.MSG_HANDOFF_DECLINED))
            if paused in RESUMABLE_FORMS:
                # "No, carry on": back to the question the person was on (answers were kept).
                events.append(FollowupAction(paused))
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
