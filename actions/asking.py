"""Form questions: each ``action_ask_<slot>`` sends the ``ask_<slot>`` message.

Rasa's validator counts a domain response as used only when a story or rule utters it, and a
form's ``utter_ask_<slot>`` never appears there. Asking through an action, with the text in
``bot/dialogue/data/messages.yml``, keeps ``rasa data validate --fail-on-warnings`` meaningful.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from bot.dialogue import messages


class AskSlot(Action, ABC):
    """Sends the ``ask_<slot>`` message for one form slot."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        """Return ``action_ask_<slot>``, the name Rasa forms look for."""
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask the question; no events."""
        dispatcher.utter_message(**messages.render(f"ask_{self.slot}"))
        return []


class ActionAskMoodRating(AskSlot):
    """Asks for the 0-10 mood rating."""

    slot = names.SLOT_MOOD_RATING
