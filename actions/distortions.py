"""Thinking traps: a one-line explanation on request, inside or outside the thought record."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from bot.dialogue import distortions, messages


def explain(dispatcher: CollectingDispatcher, text: str) -> None:
    """Explain the traps named in ``text`` in one line each, or all of them if none is named."""
    named = distortions.mentioned(text)
    if not named:
        lines = "\n".join(f"• {d.title}: {d.explanation}" for d in distortions.DISTORTIONS)
        dispatcher.utter_message(**messages.render(names.MSG_DISTORTIONS_OVERVIEW, lines=lines))
    for d in named:
        dispatcher.utter_message(
            **messages.render(
                names.MSG_DISTORTION_EXPLANATION, title=d.title, explanation=d.explanation
            )
        )


def asks_for_explanation(tracker: Tracker, requested: str) -> bool:
    """A question while choosing traps, or about a trap at any other step, asks for a meaning."""
    latest = tracker.latest_message
    if not distortions.is_question(latest.get("text") or ""):
        return False
    intent = (latest.get("intent") or {}).get("name")
    return requested == names.SLOT_TR_DISTORTIONS or intent == names.INTENT_EXPLAIN_DISTORTION


class ActionExplainDistortion(Action):
    """Outside the thought record: explain a thinking trap in one line."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_EXPLAIN_DISTORTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Explain the named trap(s), or list them all."""
        explain(dispatcher, tracker.latest_message.get("text") or "")
        return []
