"""Supporter views of one conversation: the record, live takeover, replies and hand-back.

Thin views: the records live in ``bot.supporter.takeover`` and ``bot.supporter.transcript``.
The middleware has already checked the session, the CSRF token and the role (researchers are
refused). Replies need the takeover: only the supporter holding it may write to the person,
so the bot and a human never talk over each other.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from aiohttp import web

from bot.clock import utcnow
from bot.errors import RasaUnavailableError
from bot.storage.alliance import alliance_summary
from bot.storage.audit import record_audit
from bot.supporter import transcript
from bot.supporter.takeover import (
    MAX_REPLY_CHARS,
    AlreadyTakenOverError,
    NotHeldError,
    end_takeover,
    message_text,
    start_takeover,
    store_supporter_reply,
)
from bot.web import keys
from bot.web.chat import send_to_person, system_message
from bot.web.middleware import json_error
from bot.web.turns import append_to_tracker
from bot.web.views import read_json, render

logger = logging.getLogger(__name__)
MAX_ID_CHARS = 128


def _conversation_id(request: web.Request) -> str:
    conversation_id = request.match_info["id"]
    if len(conversation_id) > MAX_ID_CHARS or not conversation_id.isprintable():
        raise web.HTTPNotFound(text="No such conversation.")
    return conversation_id


def _display_name(request: web.Request) -> str:
    # Accounts have no separate display name yet: the person sees the username.
    return request[keys.ACCOUNT].username


async def _tracker(request: web.Request, conversation_id: str) -> dict[str, Any] | None:
    try:
        return await request.app[keys.RASA].tracker(conversation_id)
    except RasaUnavailableError as exc:
        logger.warning("conversation view without Rasa's tracker: %s", exc)
        return None


def _alliance(connection: Any, *, conversation_id: str) -> dict[str, Any] | None:
    try:
        return alliance_summary(connection, conversation_id=conversation_id)
    except sa.exc.SQLAlchemyError:
        return None


async def _record(request: web.Request, conversation_id: str, via: str) -> dict[str, Any]:
    """Read everything about the conversation and audit the view; 404 when nothing is known."""
    database = request.app[keys.DATABASE]
    stored = await database.run(transcript.load_stored_record, conversation_id=conversation_id)
    tracker = await _tracker(request, conversation_id)
    from_tracker = transcript.tracker_entries(tracker) if tracker else []
    if not stored.known and not any(e.sender == "person" for e in from_tracker):
        raise web.HTTPNotFound(text="No such conversation.")
    entries = transcript.merge(
        from_tracker,
        transcript.stored_entries(stored.messages),
        transcript.takeover_markers(stored.takeovers),
    )
    active = next((t for t in stored.takeovers if t.ended_at is None), None)
    alliance = await database.run(_alliance, conversation_id=conversation_id)
    await database.run(
        record_audit, actor=request[keys.ACCOUNT].username, action="conversation_viewed",
        target_type="conversation", target_id=conversation_id, detail={"via": via},
    )  # fmt: skip
    return {
        "conversation_id": conversation_id,
        "rasa_available": tracker is not None,
        "transcript": [
            transcript.live_message_event(
                conversation_id, e, stored.phrases.get(e.message_id or "", [])
            )["message"]
            for e in entries
        ],
        "escalations": stored.risk,
        "moods": stored.moods,
        "alliance": alliance,
        "takeover": active.to_json() if active else None,
    }


async def conversation_page(request: web.Request) -> web.Response:
    """``GET /supporter/conversations/{id}``: the conversation view."""
    record = await _record(request, _conversation_id(request), via="page")
    return render(request, "conversation.html", record=record, username=_display_name(request))


async def api_conversation(request: web.Request) -> web.Response:
    """``GET /api/conversations/{id}``: the same record as JSON."""
    return web.json_response(await _record(request, _conversation_id(request), via="api"))


async def _require_known(request: web.Request, conversation_id: str) -> None:
    known = await request.app[keys.DATABASE].run(
        transcript.conversation_known, conversation_id=conversation_id
    )
    if not known:
        tracker = await _tracker(request, conversation_id)
        entries = transcript.tracker_entries(tracker) if tracker else []
        if not any(e.sender == "person" for e in entries):
            raise web.HTTPNotFound(text="No such conversation.")


def _publish_marker(request: web.Request, conversation_id: str, text: str, active: bool) -> None:
    hub = request.app[keys.LIVE]
    entry = transcript.Entry("system", text, utcnow())
    hub.publish(transcript.live_message_event(conversation_id, entry))
    hub.publish({"type": "takeover", "conversation_id": conversation_id, "active": active,
                 "supporter": request[keys.ACCOUNT].username})  # fmt: skip


async def api_takeover(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/takeover``: silence the bot and talk to the person."""
    conversation_id = _conversation_id(request)
    await _require_known(request, conversation_id)
    username = request[keys.ACCOUNT].username
    try:
        takeover = await request.app[keys.DATABASE].run(
            start_takeover, conversation_id=conversation_id, supporter=username
        )
    except (AlreadyTakenOverError, sa.exc.IntegrityError):
        return json_error(409, "this conversation is already taken over")
    notice = message_text("takeover_started", supporter_name=_display_name(request))
    await send_to_person(request.app, conversation_id, system_message(notice))
    _publish_marker(request, conversation_id, f"{username} took over", active=True)
    paused = await append_to_tracker(
        request.app, conversation_id,
        [{"event": "pause"}, transcript.tracker_bot_event(notice, sender="system", at=utcnow())],
    )  # fmt: skip
    return web.json_response({"takeover": takeover.to_json(), "rasa_paused": paused}, status=201)


async def api_send_message(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/messages`` ``{"text"}``: reply as the supporter."""
    conversation_id = _conversation_id(request)
    body = await read_json(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return json_error(400, "text must be a non-empty string")
    if len(text) > MAX_REPLY_CHARS:
        return json_error(400, f"text must be at most {MAX_REPLY_CHARS} characters")
    name = _display_name(request)
    try:
        message = await request.app[keys.DATABASE].run(
            store_supporter_reply, conversation_id=conversation_id,
            supporter=request[keys.ACCOUNT].username, text=text,
        )  # fmt: skip
    except NotHeldError as exc:
        return json_error(409, str(exc))
    await send_to_person(
        request.app,
        conversation_id,
        {"text": text, "metadata": {"sender": "supporter", "supporter_name": name}},
    )
    live = transcript.live_message_event(conversation_id, transcript.stored_entries([message])[0])
    request.app[keys.LIVE].publish(live)
    event = transcript.tracker_bot_event(
        text, sender="supporter", at=message.created_at, message_id=message.message_id,
        supporter_name=name,
    )  # fmt: skip
    recorded = await append_to_tracker(request.app, conversation_id, [event])
    return web.json_response({"message": live["message"], "rasa_recorded": recorded}, status=201)


async def api_handback(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/handback``: end the takeover; the bot greets again."""
    conversation_id = _conversation_id(request)
    account = request[keys.ACCOUNT]
    try:
        takeover = await request.app[keys.DATABASE].run(
            end_takeover, conversation_id=conversation_id, supporter=account.username,
            override=account.role == "admin",
        )  # fmt: skip
    except NotHeldError as exc:
        return json_error(409, str(exc))
    ended = message_text("takeover_ended", supporter_name=takeover.supporter)
    reentry = message_text("handback_reentry")
    await send_to_person(request.app, conversation_id, system_message(ended))
    await send_to_person(request.app, conversation_id, {"text": reentry})
    _publish_marker(request, conversation_id, f"{takeover.supporter} handed back", active=False)
    now = utcnow()
    resumed = await append_to_tracker(
        request.app, conversation_id,
        [
            {"event": "resume"},
            # Start afresh rather than inside a form the person was filling in before.
            {"event": "active_loop", "name": None},
            {"event": "slot", "name": "requested_slot", "value": None},
            transcript.tracker_bot_event(ended, sender="system", at=now),
            transcript.tracker_bot_event(reentry, sender="bot", at=now),
        ],
    )  # fmt: skip
    return web.json_response({"takeover": takeover.to_json(), "rasa_resumed": resumed})


def add_conversation_routes(router: web.UrlDispatcher) -> None:
    """Register the conversation view, takeover, reply and hand-back routes."""
    router.add_get("/supporter/conversations/{id}", conversation_page, name="conversation")
    router.add_get("/api/conversations/{id}", api_conversation, name="api_conversation")
    router.add_post("/api/conversations/{id}/takeover", api_takeover, name="api_takeover")
    router.add_post(
        "/api/conversations/{id}/messages", api_send_message, name="api_conversation_messages"
    )
    router.add_post("/api/conversations/{id}/handback", api_handback, name="api_handback")
