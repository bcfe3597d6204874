"""Goal setting: Ally proposes one goal; the person accepts, edits or rejects it."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.alliance import log_cue
from actions.flow import ExerciseFormValidation, mood_of
from actions.turn_writes import write_once
from bot.dialogue import messages
from bot.dialogue.goals import propose_goal
from bot.storage.goals import record_goal

logger = logging.getLogger(__name__)

# A "yes" longer than this is taken as the person's own version of the goal.
_PLAIN_YES_WORDS = 4


class ActionAskGoalText(Action):
    """Propose one small goal that fits the mood, and remember the proposal."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_ASK_GOAL_TEXT

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask; the proposal goes in a slot so accepting it stores the same words."""
        goal = propose_goal(mood_of(tracker))
        dispatcher.utter_message(**messages.render(names.MSG_ASK_GOAL_TEXT, goal=goal))
        return [SlotSet(names.SLOT_PROPOSED_GOAL, goal)]


class ValidateGoalForm(ExerciseFormValidation):
    """A goal stated up front ("my goal is to ...") fills the form without a proposal."""

    free_text_slots = (names.SLOT_GOAL_TEXT,)

    def name(self) -> str:
        """Return the action name."""
        return names.VALIDATE_GOAL_FORM

    async def extract_goal_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """On activation by ``state_goal``, take the message as the goal."""
        latest = tracker.latest_message
        activating = tracker.get_slot("requested_slot") is None
        if (
            activating
            and tracker.get_slot(names.SLOT_GOAL_TEXT) is None
            and (latest.get("intent") or {}).get("name") == names.INTENT_STATE_GOAL
        ):
            return {names.SLOT_GOAL_TEXT: latest.get("text")}
        return {}

    def validate_goal_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep the acceptance marker, unless the "yes" came with changes."""
        text = " ".join(str(tracker.latest_message.get("text") or "").split())
        if value == names.GOAL_ACCEPTED and len(text.split()) > _PLAIN_YES_WORDS:
            return {names.SLOT_GOAL_TEXT: text[:300]}
        cleaned = " ".join(str(value or "").split())[:300]
        return {names.SLOT_GOAL_TEXT: cleaned or None}


class ActionSaveGoal(Action):
    """Store the agreed goal: accepted as proposed, or edited into the person's own words."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_SAVE_GOAL

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the goal and say it back."""
        proposed = tracker.get_slot(names.SLOT_PROPOSED_GOAL)
        value = tracker.get_slot(names.SLOT_GOAL_TEXT)
        if value == names.GOAL_ACCEPTED and proposed:
            goal, status, cue = str(proposed), "accepted", "goal_accepted"
        elif proposed:
            goal, status, cue = str(value), "edited", "goal_edited"
        else:
            goal, status, cue = str(value), "accepted", "goal_stated"
        try:
            await write_once(
                tracker,
                record_goal,
                conversation_id=tracker.sender_id,
                status=status,
                text=goal,
                proposed_text=proposed,
            )
        except Exception:
            logger.exception("could not store a goal")
        await log_cue(tracker, cue)
        dispatcher.utter_message(**messages.render(names.MSG_GOAL_AGREED, goal=goal))
        return [
            SlotSet(names.SLOT_AGREED_GOAL, goal),
            SlotSet(names.SLOT_GOAL_TEXT, None),
            SlotSet(names.SLOT_PROPOSED_GOAL, None),
        ]


class ActionRejectGoal(Action):
    """Respect a no: record the rejected proposal and move on without pressing."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_REJECT_GOAL

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write the rejection and say it is fine."""
        proposed = tracker.get_slot(names.SLOT_PROPOSED_GOAL)
        try:
            await write_once(
                tracker,
                record_goal,
                conversation_id=tracker.sender_id,
                status="rejected",
                text=None,
                proposed_text=proposed,
            )
        except Exception:
            logger.exception("could not store a goal rejection")
        await log_cue(tracker, "goal_rejected")
        dispatcher.utter_message(**messages.render(names.MSG_GOAL_REJECTED))
        return [SlotSet(names.SLOT_GOAL_TEXT, None), SlotSet(names.SLOT_PROPOSED_GOAL, None)]
