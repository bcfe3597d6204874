"""Behavioural alliance signals: one row per cue (bot/alliance/data/cues.yml, docs/alliance.md).

Other actions call :func:`log_cue` where a cue happens (goal agreed, task reviewed, check-in
completed); ``action_log_alliance_cue`` follows the digression responses (thanks, feeling
understood, frustration) and resolves a pending rupture repair. Logging never breaks the
conversation: a failure is logged, without message text, and the dialogue carries on.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.turn_writes import event_id_of, write_once
from bot.alliance.cues import cue, cue_for_intent
from bot.storage.alliance import record_signal

logger = logging.getLogger(__name__)

REPAIR_RESPONSES = frozenset({"utter_rupture_repair", "utter_rupture_repair_in_form"})
# After a rupture repair, these mean the person did not take up the repair.
_DECLINING_INTENTS = frozenset({"frustrated_with_bot", "stop", "goodbye", "deny"})
# Actions that log the outcome of a repair; the first of them in a turn does, the others not.
_REPAIR_LOGGERS = frozenset(
    {names.ACTION_LOG_ALLIANCE_CUE, names.ACTION_GREET, names.ACTION_STOP_EXERCISE}
)


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def repair_outcome(tracker: Tracker) -> str | None:
    """Return ``repair_accepted``/``repair_declined`` if Ally's last turn was a rupture repair.

    The last turn is what Ally did between the person's previous message and their latest one.
    Returns None when an action earlier in this turn (or a form, whose validation ran) has
    already logged the outcome, so each repair is logged once.
    """
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return None
    this_turn = tracker.events[users[-1] + 1 :]
    if any(
        e.get("event") == "action"
        and (e.get("name") in _REPAIR_LOGGERS or str(e.get("name", "")).endswith("_form"))
        for e in this_turn
    ):
        return None
    previous_turn = tracker.events[users[-2] + 1 : users[-1]]
    if not any(
        e.get("event") == "action" and e.get("name") in REPAIR_RESPONSES for e in previous_turn
    ):
        return None
    return "repair_declined" if _intent(tracker) in _DECLINING_INTENTS else "repair_accepted"


async def log_cue(tracker: Tracker, name: str, *, step: str | None = None) -> None:
    """Store one behavioural signal for cue ``name``; never raises."""
    try:
        found = cue(name)
        await write_once(
            tracker,
            record_signal,
            label=f"alliance:{found.label(step)}",
            conversation_id=tracker.sender_id,
            event_id=event_id_of(tracker),
            dimension=found.dimension,
            source="behaviour",
            value=found.value,
            cue=found.label(step),
        )
    except Exception:
        # The log names the cue only: never the person's words.
        logger.exception("could not log the alliance cue %s", name)


async def log_repair_outcome(tracker: Tracker) -> None:
    """Log whether a rupture repair on Ally's last turn was taken up, if there was one."""
    outcome = repair_outcome(tracker)
    if outcome:
        await log_cue(tracker, outcome)


class ActionLogAllianceCue(Action):
    """Log what the person's message says about the alliance (runs after a digression reply)."""

    def name(self) -> str:
        """Return the action name."""
        return names.ACTION_LOG_ALLIANCE_CUE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Log the intent's cue (if any) and the outcome of a pending repair; no events."""
        await log_repair_outcome(tracker)
        try:
            found = cue_for_intent(_intent(tracker))
        except Exception:
            logger.exception("could not read the alliance cue mapping")
            found = None
        if found is not None:
            await log_cue(tracker, found.name)
        return []
