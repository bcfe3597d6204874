"""Form questions: each ``action_ask_<slot>`` sends the ``ask_<slot>`` message.

Rasa's validator counts a domain response as used only when a story or rule utters it, and a
form's ``utter_ask_<slot>`` never appears there. Asking through an action, with the text in
``bot/dialogue/data/messages.yml``, keeps ``rasa data validate --fail-on-warnings`` meaningful.
Questions whose text depends on the conversation (the goal proposal, the problem-solving idea)
are asked by their feature's module instead.
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


def _ask(slot_name: str) -> type[AskSlot]:
    """Build the ask action class for ``slot_name``."""
    class_name = "ActionAsk" + "".join(part.title() for part in slot_name.split("_"))
    return type(class_name, (AskSlot,), {"slot": slot_name, "__doc__": f"Asks {slot_name}."})


ActionAskMoodRating = _ask(names.SLOT_MOOD_RATING)
ActionAskEmotions = _ask(names.SLOT_EMOTIONS)
ActionAskTaskBarrier = _ask(names.SLOT_TASK_BARRIER)
ActionAskNextCheckin = _ask(names.SLOT_NEXT_CHECKIN)
ActionAskDisplayName = _ask(names.SLOT_DISPLAY_NAME)
ActionAskTrSituation = _ask(names.SLOT_TR_SITUATION)
ActionAskTrThought = _ask(names.SLOT_TR_THOUGHT)
ActionAskTrEmotion = _ask(names.SLOT_TR_EMOTION)
ActionAskTrIntensityBefore = _ask(names.SLOT_TR_INTENSITY_BEFORE)
ActionAskTrDistortions = _ask(names.SLOT_TR_DISTORTIONS)
ActionAskTrEvidenceFor = _ask(names.SLOT_TR_EVIDENCE_FOR)
ActionAskTrEvidenceAgainst = _ask(names.SLOT_TR_EVIDENCE_AGAINST)
ActionAskTrBalancedThought = _ask(names.SLOT_TR_BALANCED_THOUGHT)
ActionAskTrIntensityAfter = _ask(names.SLOT_TR_INTENSITY_AFTER)
ActionAskTaskWhat = _ask(names.SLOT_TASK_WHAT)
ActionAskTaskWhen = _ask(names.SLOT_TASK_WHEN)
ActionAskTaskObstacle = _ask(names.SLOT_TASK_OBSTACLE)
ActionAskHandoffConfirmed = _ask(names.SLOT_HANDOFF_CONFIRMED)
ActionAskDeleteConfirmed = _ask(names.SLOT_DELETE_CONFIRMED)
