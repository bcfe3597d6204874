"""One user turn through the web app: risk first, then Rasa, never a silent failure."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from aiohttp import web

from bot.errors import RasaUnavailableError
from bot.risk.resources import crisis_text
from bot.web import keys
from bot.web.replies import (
    EMPTY_MESSAGE,
    MESSAGE_TOO_LONG,
    SOMETHING_WENT_WRONG,
    bot_text,
    to_socketio,
)

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000


async def handle_user_message(
    app: web.Application, conversation_id: str, text: Any
) -> list[dict[str, Any]]:
    """Return the ``bot_uttered`` payloads answering one message.

    Order matters for safety: the message is assessed and any escalation committed (database or
    spool) before Rasa sees it; a flagged message always gets the crisis text, from Rasa or, if
    Rasa fails or omits it, from the web app itself.
    """
    if not isinstance(text, str) or not text.strip():
        return [bot_text(EMPTY_MESSAGE)]
    gate = app[keys.RISK]
    message_id = uuid.uuid4().hex
    assessment = await gate.assess(text)
    crisis = crisis_text(app[keys.SETTINGS].locale)
    if assessment.risk:
        where = await gate.escalate(
            conversation_id=conversation_id, message_id=message_id, text=text,
            assessment=assessment,
        )  # fmt: skip
        logger.info(
            "risk flagged (message_id=%s, severity=%s, stored=%s)",
            message_id, assessment.severity, where,
        )  # fmt: skip
    if len(text) > MAX_MESSAGE_CHARS:
        too_long = [bot_text(MESSAGE_TOO_LONG)]
        return [bot_text(crisis), *too_long] if assessment.risk else too_long
    escalation_open = True if assessment.risk else await gate.escalation_open(conversation_id)
    metadata: dict[str, Any] = {"message_id": message_id, "risk": assessment.to_dict()}
    if escalation_open is not None:
        metadata["escalation_open"] = escalation_open
    messages = await _ask_rasa(app, conversation_id, text, metadata)
    if assessment.risk and not any(m.get("text", "").strip() == crisis for m in messages):
        logger.error("crisis text missing from Rasa's reply; sent by the web app (%s)", message_id)
        messages = [
            bot_text(crisis),
            *(m for m in messages if m.get("text") != SOMETHING_WENT_WRONG),
        ]
    return messages


async def _ask_rasa(
    app: web.Application, conversation_id: str, text: str, metadata: dict[str, Any]
) -> list[dict[str, Any]]:
    try:
        replies = await app[keys.RASA].send(conversation_id, text, metadata)
    except RasaUnavailableError as exc:
        logger.error("turn failed: %s (message_id=%s)", exc, metadata["message_id"])
        replies = []
    else:
        if not replies:
            logger.error("Rasa returned no reply (message_id=%s)", metadata["message_id"])
    messages = [m for reply in replies for m in to_socketio(reply)]
    return messages or [bot_text(SOMETHING_WENT_WRONG)]
