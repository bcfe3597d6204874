"""The greeting: Ally says it is a bot; a return visit brings the name, days since and goal."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.alliance import log_repair_outcome
from bot.clock import utcnow
from bot.dialogue import messages
from bot.storage.participants import ReturnContext, return_context

logger = logging.getLogger(__name__)


class ActionGreet(Action):
    """Greet: say Ally is a bot; on a return visit use the name, days since, and last goal."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_GREET

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the greeting and load what there is to review from last time."""
        await log_repair_outcome(tracker)
        try:
            context = await services.database().run(
                return_context, conversation_id=tracker.sender_id
            )
        except Exception:
            logger.exception("could not load the return-visit context")
            context = ReturnContext(None, None, None, None, None)
        if _greeted_this_session(tracker):
            dispatcher.utter_message(**messages.render(names.MSG_GREET_AGAIN))
        elif context.is_return_visit:
            dispatcher.utter_message(text=greeting_text(context))
        else:
            dispatcher.utter_message(**messages.render(names.MSG_GREET_FIRST))
        if (tracker.latest_message.get("intent") or {}).get("name") == names.INTENT_MOOD_NEGATIVE:
            # "i feel awful": heard before any question is asked.
            dispatcher.utter_message(**messages.render(names.MSG_OPENING_LOW))
        events: list[EventType] = [
            SlotSet(names.SLOT_MOOD_RATING, None),
            SlotSet(names.SLOT_EMOTIONS, None),
            SlotSet(names.SLOT_PENDING_QUESTION, None),
            SlotSet(names.SLOT_TASK_PENDING, context.planned_task is not None),
            SlotSet(names.SLOT_PENDING_TASK, context.planned_task),
        ]
        if context.display_name:
            events.append(SlotSet(names.SLOT_DISPLAY_NAME, context.display_name))
        return events


def greeting_text(context: ReturnContext) -> str:
    """Build the return-visit greeting from its parts."""
    name_part = (
        messages.text(names.MSG_GREET_RETURN_NAME, name=context.display_name)
        if context.display_name
        else ""
    )
    since = ""
    if context.last_checkin_at is not None:
        days = (utcnow().date() - context.last_checkin_at.date()).days
        if days <= 0:
            since = messages.text(names.MSG_GREET_RETURN_SAME_DAY)
        elif days == 1:
            since = messages.text(names.MSG_GREET_RETURN_ONE_DAY)
        else:
            since = messages.text(names.MSG_GREET_RETURN_DAYS, days=days)
    if context.last_goal:
        since = f"{since} {messages.text(names.MSG_GREET_RETURN_GOAL, goal=context.last_goal)}"
    text = messages.text(names.MSG_GREET_RETURN, name_part=name_part, since=since.strip())
    return " ".join(text.split())


def _greeted_this_session(tracker: Tracker) -> bool:
    for event in reversed(tracker.events[:-1] if tracker.events else []):
        if event.get("event") == "session_started":
            return False
        if event.get("event") == "action" and event.get("name") == names.ACTION_GREET:
            return True
    return False
