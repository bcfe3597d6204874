"""Risk: add the dialogue context to the escalation the web app (or Rasa) flagged."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names, services
from actions.turn_writes import write_once
from bot.storage.escalations import FlaggedMessage, add_context, excerpt_around, record

logger = logging.getLogger(__name__)


class ActionEscalateRisk(Action):
    """Make sure the escalation exists (keyed by message id) and record the dialogue context.

    After a risk disclosure it records the flagged message: a no-op when the web app already
    did, the only record when the message reached Rasa some other way. After any later message
    while the escalation is open it stores the person's reply (for example to "are you safe
    right now?") as context for the supporter.
    """

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_ESCALATE_RISK

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Write to the database; the dialogue goes on even if that fails (the web app spools)."""
        latest: dict[str, Any] = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name")
        try:
            if intent == names.INTENT_RISK_DISCLOSURE:
                await record(services.database(), flagged_message(tracker.sender_id, latest))
            elif answered_yes(tracker, intent):
                await record(services.database(), answered_yes_message(tracker.sender_id, latest))
            else:
                await write_once(
                    tracker,
                    add_context,
                    conversation_id=tracker.sender_id,
                    entry={"intent": intent, "text": (latest.get("text") or "")[:280]},
                )
        except Exception:
            logger.exception("could not update the escalation")
        return [SlotSet(names.SLOT_ESCALATION_OPEN, True)]


def answered_yes(tracker: Tracker, intent: str | None) -> bool:
    """True when the person answered Ally's direct question with yes or not sure.

    The buttons set ``risk_check_yes`` / ``risk_check_unsure``; a typed "yes" that reached Rasa
    without the web app (which escalates it itself) is ``affirm`` right after the question.
    """
    if intent in (names.INTENT_RISK_CHECK_YES, names.INTENT_RISK_CHECK_UNSURE):
        return True
    return intent == names.INTENT_AFFIRM and _last_bot_response(tracker) == names.UTTER_RISK_CHECK


def _last_bot_response(tracker: Tracker) -> str | None:
    """The last action before the person's latest message (what they were answering)."""
    before_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if before_latest:
                return None  # two messages in a row: nothing was asked in between
            before_latest = True
        elif (
            before_latest
            and event.get("event") == "action"
            and event.get("name") != "action_listen"
        ):
            return str(event.get("name"))
    return None


def answered_yes_message(conversation_id: str, latest: dict[str, Any]) -> FlaggedMessage:
    """The escalation for a yes (or not sure) to Ally's direct question: high, suicide."""
    metadata = latest.get("metadata") or {}
    return FlaggedMessage(
        conversation_id=conversation_id,
        message_id=str(metadata.get("message_id") or latest.get("message_id") or uuid.uuid4().hex),
        severity="high",
        categories=["suicidal_ideation"],
        matches=[],
        excerpt=(latest.get("text") or "")[:280],
        source="rasa",
    )


def flagged_message(conversation_id: str, latest: dict[str, Any]) -> FlaggedMessage:
    """Build the flagged-message record from Rasa's parse of the latest message."""
    metadata = latest.get("metadata") or {}
    risk = latest.get("risk") or {}
    matches = list(risk.get("matches") or [])
    text = latest.get("text") or ""
    first = matches[0] if matches else None
    return FlaggedMessage(
        conversation_id=conversation_id,
        # Without the web app's id (a direct REST call), one id per tracker turn.
        message_id=str(metadata.get("message_id") or latest.get("message_id") or uuid.uuid4().hex),
        severity=str(risk.get("severity") or "low"),
        categories=[str(c) for c in risk.get("categories") or []],
        matches=matches,
        excerpt=excerpt_around(text, int(first["start"]), int(first["end"]))
        if first
        else text[:280],
        source="rasa",
    )
