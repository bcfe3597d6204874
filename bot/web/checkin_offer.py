"""Offer the booked check-in when the person opens the widget after it is due.

The web app claims the due booking (``scheduled`` -> ``offered``, so it is offered once, also
with two tabs open), runs ``action_offer_due_checkin`` through Rasa's HTTP API and relays the
offer as normal bot messages. Nothing is offered while a form is running, the tracker is
paused, a supporter has taken over or an escalation is open (or cannot be ruled out). If Rasa
fails, the claim is released so the offer comes next time; the widget works as before.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.errors import RasaUnavailableError
from bot.storage.schedule import DueCheckin, due_checkin
from bot.storage.tables import scheduled_checkins
from bot.supporter.takeover import active_takeover
from bot.web import keys
from bot.web.replies import to_socketio
from bot.web.turns import append_to_tracker

logger = logging.getLogger(__name__)

OFFER_ACTION = "action_offer_due_checkin"
# Ends a bot turn; appended when the offer action did not run, so the next message is read as
# an answer to nothing rather than to a half-finished turn.
_LISTEN_EVENT = {"event": "action", "name": "action_listen"}


def claim_due_checkin(
    connection: Connection, *, conversation_id: str, now: datetime
) -> DueCheckin | None:
    """Mark the due, not yet offered booking ``offered`` and return it; None when there is none.

    The update is conditional on the status, so of two widgets opening at once only one wins.
    """
    due = due_checkin(connection, conversation_id=conversation_id, now=now)
    if due is None:
        return None
    claimed = connection.execute(
        sa.update(scheduled_checkins)
        .where(scheduled_checkins.c.id == due.id, scheduled_checkins.c.status == "scheduled")
        .values(status="offered", offered_at=now)
    )
    return due if claimed.rowcount == 1 else None


def release_checkin(connection: Connection, *, checkin_id: int) -> None:
    """Undo a claim whose offer never reached the person, so it is offered next time."""
    connection.execute(
        sa.update(scheduled_checkins)
        .where(scheduled_checkins.c.id == checkin_id, scheduled_checkins.c.status == "offered")
        .values(status="scheduled", offered_at=None)
    )


def _busy(tracker: dict[str, Any]) -> bool:
    """Return True while a form is running or the bot is paused (a takeover)."""
    active_loop = tracker.get("active_loop") or {}
    return bool(active_loop.get("name")) or bool(tracker.get("paused"))


async def offer_due_checkin(
    app: web.Application, conversation_id: str, tracker: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return the ``bot_uttered`` payloads offering the due check-in; empty when none is due.

    ``tracker`` is the conversation's Rasa tracker just read for the history. Never raises:
    any failure is logged (without text) and means no offer.
    """
    if _busy(tracker):
        return []
    database = app[keys.DATABASE]
    if await app[keys.RISK].escalation_open(conversation_id) is not False:
        return []
    try:
        if await database.run(active_takeover, conversation_id=conversation_id) is not None:
            return []
        due = await database.run(claim_due_checkin, conversation_id=conversation_id, now=utcnow())
    except Exception as exc:
        logger.warning("due check-in not read: %s", type(exc).__name__)
        return []
    if due is None:
        return []
    try:
        replies = await app[keys.RASA].execute_action(conversation_id, OFFER_ACTION)
    except RasaUnavailableError as exc:
        logger.warning("due check-in not offered: %s", exc)
        replies = None
    except Exception as exc:  # an offer is never worth a broken widget
        logger.error("due check-in not offered: %s", type(exc).__name__)
        replies = None
    messages = [m for reply in replies or [] for m in to_socketio(reply)]
    if not messages:
        if replies is not None:  # Rasa ran the action but it sent nothing (action server down)
            await append_to_tracker(app, conversation_id, [_LISTEN_EVENT])
        await _release(app, due)
        return []
    logger.info("due check-in offered (booking %d)", due.id)
    return messages


async def _release(app: web.Application, due: DueCheckin) -> None:
    try:
        await app[keys.DATABASE].run(release_checkin, checkin_id=due.id)
    except Exception as exc:
        logger.error("due check-in claim not released: %s", type(exc).__name__)
