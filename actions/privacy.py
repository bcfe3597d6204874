"""Deleting one's data from inside the chat: confirm first, then tell the web app to delete.

The action deletes nothing itself: Rasa saves the tracker again after every action, so the web
app performs the deletion after the turn, when it sees the ``ally_event`` payload in the reply.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.pausing import finish_pause
from bot.dialogue import messages

# The custom payload the web app acts on (bot/web): never shown to the person.
DELETE_EVENT = {"ally_event": "delete_my_data"}


class ActionDeleteMyData(Action):
    """After a yes, confirm and signal the deletion to the web app; after a no, keep it all."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_DELETE_MY_DATA

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the confirmation and the deletion signal, or acknowledge the no."""
        confirmed = tracker.get_slot(names.SLOT_DELETE_CONFIRMED) is True
        if confirmed:
            dispatcher.utter_message(**messages.render(names.MSG_DELETE_DONE))
            dispatcher.utter_message(json_message=dict(DELETE_EVENT))
        else:
            dispatcher.utter_message(**messages.render(names.MSG_DELETE_KEPT))
        # After a no, an exercise the request paused goes on at the same question.
        return [
            SlotSet(names.SLOT_DELETE_CONFIRMED, None),
            *finish_pause(tracker, resume=not confirmed),
        ]
