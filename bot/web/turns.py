"""One user turn through the web app: risk first, then Rasa or the supporter, never silence.

While a supporter has taken the conversation over, the message goes to the supporter (stored,
appended to Rasa's tracker, shown live) and Rasa is not asked; risk detection still runs, and a
flagged message still gets the crisis text at once from the web app.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.clock import utcnow
from bot.errors import RasaUnavailableError
from bot.risk import RiskAssessment
from bot.risk.resources import crisis_text
from bot.supporter import transcript
from bot.supporter.takeover import (
    ConversationMessage,
    list_takeovers,
    store_message,
)
from bot.web import keys
from bot.web.admission import GATE
from bot.web.metrics_views import observed_turn
from bot.web.replies import (
    EMPTY_MESSAGE,
    MESSAGE_TOO_LONG,
    SOMETHING_WENT_WRONG,
    ally_events,
    bot_text,
    to_socketio,
)
from bot.web.resends import replies_after
from bot.web.risk_gate import GateDecision
from bot.web.turn_state import count_and_read, read_takeover

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000
# Lone surrogates (JSON escapes with no partner) cannot be encoded as UTF-8: neither the
# database, the spool nor Rasa could keep a message holding one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """Drop lone surrogates, as the risk normaliser does, so the message can be stored."""
    return _LONE_SURROGATE.sub("", text)


@dataclass
class TurnResult:
    """The ``bot_uttered`` payloads for the person, and any instructions from Rasa's actions."""

    messages: list[dict[str, Any]]
    events: list[str] = field(default_factory=list)
    # For the metrics: ok, rasa_error, empty_reply, too_long, empty or takeover.
    outcome: str = "ok"


async def handle_user_message(
    app: web.Application, conversation_id: str, text: Any
) -> list[dict[str, Any]]:
    """Return the ``bot_uttered`` payloads answering one message (see :func:`run_turn`)."""
    return (await run_turn(app, conversation_id, text)).messages


@observed_turn
async def run_turn(
    app: web.Application,
    conversation_id: str,
    text: Any,
    *,
    message_id: str | None = None,
    resent: bool = False,
) -> TurnResult:
    """Run one turn and return what to send the person.

    Order matters for safety: the message is assessed and any escalation committed (database or
    spool) before Rasa sees it; a flagged message always gets the crisis text, from Rasa or, if
    Rasa fails, omits it or is paused by a takeover, from the web app itself.

    ``message_id`` identifies the message across re-sends (see :mod:`bot.web.resends`); a
    ``resent`` message that Rasa's tracker already holds is answered from the tracker and not
    processed again. The escalation is recorded either way: that is idempotent per message id.
    """
    if isinstance(text, str):
        text = storable(text)
    if not isinstance(text, str) or not text.strip():
        return TurnResult([bot_text(EMPTY_MESSAGE)], outcome="empty")
    gate = app[keys.RISK]
    message_id = message_id or uuid.uuid4().hex
    gate_decision = await gate.decide(conversation_id, message_id, text)
    assessment = gate_decision.assessment
    crisis = crisis_text(app[keys.SETTINGS].locale)
    if assessment.risk:
        where = await gate.escalate(
            # PostgreSQL refuses NUL in text; a space keeps the match offsets valid.
            conversation_id=conversation_id, message_id=message_id,
            text=text.replace("\x00", " "), assessment=assessment,
        )  # fmt: skip
        logger.info(
            "risk flagged (message_id=%s, severity=%s, stored=%s)",
            message_id, assessment.severity, where,
        )  # fmt: skip
    if len(text) > MAX_MESSAGE_CHARS:
        too_long = [bot_text(MESSAGE_TOO_LONG)]
        return TurnResult(
            [bot_text(crisis), *too_long] if assessment.risk else too_long, outcome="too_long"
        )
    earlier = await _earlier_replies(app, conversation_id, message_id) if resent else None
    if earlier is not None:
        result = _answered(earlier)
        if not result.messages and not result.events:
            if await read_takeover(app, conversation_id) is not None:
                return TurnResult([bot_text(crisis)] if assessment.risk else [], outcome="takeover")
            result.messages = [bot_text(SOMETHING_WENT_WRONG)]  # never silence
    else:
        result = await _new_turn(app, conversation_id, message_id, text, gate_decision, resent)
        if result.outcome == "takeover":
            return result
    if assessment.risk and not any(m.get("text", "").strip() == crisis for m in result.messages):
        logger.error("crisis text missing from Rasa's reply; sent by the web app (%s)", message_id)
        result.messages = [
            bot_text(crisis),
            *(m for m in result.messages if m.get("text") != SOMETHING_WENT_WRONG),
        ]
    return result


async def _new_turn(
    app: web.Application,
    conversation_id: str,
    message_id: str,
    text: str,
    gate_decision: GateDecision,
    resent: bool = False,
) -> TurnResult:
    """Count the turn and hand the message to the supporter (takeover) or to Rasa.

    A re-send is marked for Rasa, which answers it from the tracker if the first attempt got
    there in the meantime (bot/nlu/resent_turns.py).
    """
    assessment = gate_decision.assessment
    state = await count_and_read(app, conversation_id, with_escalation=not assessment.risk)
    if state.takeover is not None:
        await relay_to_supporter(app, conversation_id, message_id, text, assessment)
        crisis = crisis_text(app[keys.SETTINGS].locale)
        return TurnResult([bot_text(crisis)] if assessment.risk else [], outcome="takeover")
    escalation_open = True if assessment.risk else state.escalation_open
    metadata: dict[str, Any] = {"message_id": message_id, "risk": gate_decision.metadata()}
    if resent:
        metadata["resent"] = True
    if escalation_open is not None:
        metadata["escalation_open"] = escalation_open
    return await _ask_rasa(app, conversation_id, text, metadata)


async def _earlier_replies(
    app: web.Application, conversation_id: str, message_id: str
) -> list[dict[str, Any]] | None:
    """Return Rasa's replies to a re-sent message it already has; None if it never got it."""
    try:
        tracker = await app[keys.RASA].tracker(conversation_id)
    except RasaUnavailableError as exc:  # cannot tell: sending it again beats dropping it
        logger.warning("re-sent message checked against no tracker: %s (message_id=%s)",
                       exc, message_id)  # fmt: skip
        return None
    replies = replies_after(tracker, message_id)
    if replies is not None:
        logger.info("re-sent message already in the tracker, not sent again (message_id=%s)",
                    message_id)  # fmt: skip
    return replies


def _answered(replies: list[dict[str, Any]]) -> TurnResult:
    """The turn result for a message Rasa answered before (shown again, never re-run)."""
    messages = [m for reply in replies for m in to_socketio(reply)]
    return TurnResult(messages, ally_events(replies), outcome="ok")


async def relay_to_supporter(
    app: web.Application,
    conversation_id: str,
    message_id: str,
    text: str,
    assessment: RiskAssessment,
) -> None:
    """Store a person's message during a takeover, append it to the tracker and show it live.

    The database comes first; Rasa failing only costs the tracker copy, and is logged (without
    the text).
    """
    crisis = crisis_text(app[keys.SETTINGS].locale) if assessment.risk else None
    try:
        message = await app[keys.DATABASE].run(
            store_message, conversation_id=conversation_id, sender="person", text=text,
            message_id=message_id,
        )  # fmt: skip
    except Exception as exc:
        logger.error("takeover message not stored (message_id=%s): %s", message_id,
                     type(exc).__name__)  # fmt: skip
        message = ConversationMessage(message_id, conversation_id, "person", None, text, utcnow())
    entry = transcript.stored_entries([message])[0]
    phrases = [m.text for m in assessment.matches]
    app[keys.LIVE].publish(transcript.live_message_event(conversation_id, entry, phrases))
    events = [transcript.tracker_user_event(message)]
    if crisis:
        events.append(transcript.tracker_bot_event(crisis, sender="bot", at=message.created_at))
    await append_to_tracker(app, conversation_id, events)


async def append_to_tracker(
    app: web.Application, conversation_id: str, events: list[dict[str, Any]]
) -> bool:
    """Append events to the conversation's Rasa tracker; log failures; return success."""
    try:
        await app[keys.RASA].append_events(conversation_id, events)
    except RasaUnavailableError as exc:
        kinds = ",".join(str(e.get("event")) for e in events)
        logger.error("tracker events not appended (%s): %s", kinds, exc)
        return False
    return True


async def _ask_rasa(
    app: web.Application, conversation_id: str, text: str, metadata: dict[str, Any]
) -> TurnResult:
    urgent = bool(metadata.get("risk", {}).get("risk"))
    try:
        # First come, first served in front of Rasa; a risk disclosure goes to the front.
        async with app[GATE].admit(urgent=urgent):
            replies = await app[keys.RASA].send(conversation_id, text, metadata)
    except RasaUnavailableError as exc:
        logger.error("turn failed: %s (message_id=%s)", exc, metadata["message_id"])
        replies, outcome = [], "rasa_error"
    else:
        outcome = "ok"
        if not replies:
            replies = await _retry_if_left_paused(app, conversation_id, text, metadata)
        if not replies:
            logger.error("Rasa returned no reply (message_id=%s)", metadata["message_id"])
            outcome = "empty_reply"
    messages = [m for reply in replies for m in to_socketio(reply)]
    events = ally_events(replies)
    if not messages and not events:
        messages = [bot_text(SOMETHING_WENT_WRONG)]
    return TurnResult(messages, events, outcome)


async def _retry_if_left_paused(
    app: web.Application, conversation_id: str, text: str, metadata: dict[str, Any]
) -> list[dict[str, Any]]:
    """Recover a tracker left paused by a hand-back whose resume did not reach Rasa.

    A paused tracker logs the message and answers nothing. If this conversation was ever taken
    over, resume it, take back the unanswered message (``rewind``) and send it once more.
    """
    try:
        taken_over = await app[keys.DATABASE].run(list_takeovers, conversation_id=conversation_id)
    except Exception:  # database down: nothing to recover from here
        return []
    if not taken_over or not await append_to_tracker(
        app, conversation_id, [{"event": "resume"}, {"event": "rewind"}]
    ):
        return []
    logger.warning("resumed a tracker left paused (message_id=%s)", metadata["message_id"])
    try:
        return await app[keys.RASA].send(conversation_id, text, metadata)
    except RasaUnavailableError:
        return []
