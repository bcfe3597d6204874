"""The widget's socket.io endpoint, speaking Rasa's socket.io channel protocol.

Events: ``session_request`` -> ``session_confirm``; ``user_uttered`` -> ``bot_uttered``;
``ally_history_request`` -> ``ally_history`` (the socket's own conversation only), then, when a
booked check-in is due, its offer as ``bot_uttered`` (bot/web/checkin_offer.py).
Conversation ids are issued and signed here: an id the app did not issue is replaced.
Each socket joins the room named by its conversation id, so supporters' messages reach every
open widget of that conversation.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import socketio
from aiohttp import web

from bot.errors import RasaUnavailableError
from bot.privacy.deletion import delete_person, delete_tracker_events, scrub_write_ahead_log
from bot.supporter import transcript
from bot.supporter.takeover import list_messages, message_text
from bot.web import keys
from bot.web.checkin_offer import offer_due_checkin
from bot.web.consent import register_consent
from bot.web.origins import socketio_origins
from bot.web.replies import DELETE_MY_DATA
from bot.web.resends import TurnLedger, client_message_id, is_resent, turn_message_id
from bot.web.session_ids import is_issued, issue_session_id
from bot.web.turns import TurnResult, run_turn

logger = logging.getLogger(__name__)

BOT_UTTERED = "bot_uttered"
HISTORY = "ally_history"


def create_socketio(app: web.Application, cors_origins: list[str] | None) -> socketio.AsyncServer:
    """Create the socket.io server, attach it to ``app`` and register the protocol handlers."""
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        cors_allowed_origins=socketio_origins(cors_origins or []),
        max_http_buffer_size=256 * 1024,
        logger=False,
        engineio_logger=False,
    )
    sio.attach(app, socketio_path="socket.io")
    handlers = ChatHandlers(app, sio)
    sio.on("session_request", handlers.session_request)
    sio.on("user_uttered", handlers.user_uttered)
    sio.on("ally_history_request", handlers.history_request)
    register_consent(app, sio)
    return sio


async def send_to_person(
    app: web.Application, conversation_id: str, message: dict[str, Any]
) -> None:
    """Emit one ``bot_uttered`` payload to every open widget of the conversation."""
    await app[keys.SIO].emit(BOT_UTTERED, message, room=conversation_id)


def system_message(text: str) -> dict[str, Any]:
    """Return a ``bot_uttered`` payload for a notice from the web app (not the bot)."""
    return {"text": text, "metadata": {"sender": "system"}}


class ChatHandlers:
    """socket.io event handlers bound to the app's resources."""

    def __init__(self, app: web.Application, sio: socketio.AsyncServer) -> None:
        self._app = app
        self._sio = sio
        self._turns: TurnLedger[TurnResult] = TurnLedger()

    async def session_request(self, sid: str, data: Any = None) -> None:
        """Confirm the requested conversation id if the app issued it, else issue a new one."""
        secret = self._app[keys.SETTINGS].session_secret
        requested = data.get("session_id") if isinstance(data, dict) else None
        session_id = requested if is_issued(secret, requested) else issue_session_id(secret)
        await self._join(sid, session_id)

    async def _join(self, sid: str, session_id: str) -> None:
        await self._sio.save_session(sid, {"session_id": session_id})
        await self._sio.enter_room(sid, session_id)
        await self._sio.emit("session_confirm", session_id, room=sid)

    async def _session_id(self, sid: str) -> str:
        session = await self._sio.get_session(sid)
        session_id = session.get("session_id") if session else None
        if not session_id:
            # A client that skipped session_request still gets an id of ours, never its own.
            session_id = issue_session_id(self._app[keys.SETTINGS].session_secret)
            await self._join(sid, session_id)
        return str(session_id)

    async def user_uttered(self, sid: str, data: Any = None) -> dict[str, str] | None:
        """Handle one user message, relay the replies to the conversation's room, acknowledge.

        A message with a client id is acknowledged with that id once answered, and runs at most
        once however often the widget re-sends it (see :mod:`bot.web.resends`).
        """
        session_id = await self._session_id(sid)
        text = data.get("message") if isinstance(data, dict) else None
        client_id = client_message_id(data)
        if client_id is None:
            result, first = await run_turn(self._app, session_id, text), True
        else:
            message_id = turn_message_id(session_id, client_id)
            result, first = await self._turns.once(
                session_id,
                message_id,
                lambda: run_turn(
                    self._app, session_id, text, message_id=message_id, resent=is_resent(data)
                ),
            )
        await self._send(session_id, result.messages)
        if first and DELETE_MY_DATA in result.events:
            await self._delete_conversation(session_id)
        return {"message_id": client_id} if client_id else None

    async def _send(self, session_id: str, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            await self._sio.emit(BOT_UTTERED, message, room=session_id)

    async def history_request(self, sid: str, data: Any = None) -> None:
        """Send the socket's own conversation so far; an empty list when Rasa cannot say.

        Opening the widget is also when a due check-in is offered (once).
        """
        session_id = await self._session_id(sid)
        messages: list[dict[str, Any]] = []
        tracker: dict[str, Any] | None = None
        try:
            tracker = await self._app[keys.RASA].tracker(session_id)
            stored = await self._app[keys.DATABASE].run(list_messages, conversation_id=session_id)
        except RasaUnavailableError as exc:
            logger.warning("history unavailable: %s", exc)
        except Exception as exc:  # database down: the widget just starts empty
            logger.warning("history unavailable: %s", type(exc).__name__)
        else:
            entries = transcript.merge(
                transcript.tracker_entries(tracker), transcript.stored_entries(stored)
            )
            messages = [entry.to_json() for entry in entries]
        await self._sio.emit(HISTORY, {"session_id": session_id, "messages": messages}, to=sid)
        if tracker is not None:
            await self._send(session_id, await offer_due_checkin(self._app, session_id, tracker))

    async def _delete_conversation(self, session_id: str) -> None:
        """Delete the conversation everywhere, then move its sockets to a fresh conversation."""
        settings = self._app[keys.SETTINGS]
        self._turns.forget(session_id)
        try:
            database = self._app[keys.DATABASE]
            counts = await database.run(
                delete_person,
                conversation_id=session_id,
                keep_safeguarding=settings.keep_safeguarding_records,
            )
            if not await asyncio.to_thread(scrub_write_ahead_log, database.engine):
                logger.warning(
                    "deleted rows may stay in the database's -wal file until its next checkpoint"
                )
            events = await asyncio.get_running_loop().run_in_executor(
                None, delete_tracker_events, settings.tracker_store, session_id
            )
        except Exception as exc:
            logger.error("data deletion failed: %s", type(exc).__name__)
            await self._send(session_id, [system_message(message_text("deletion_failed"))])
            return
        logger.info("person's data deleted: %d rows, %d tracker events",
                    sum(counts.values()), events)  # fmt: skip
        await self._send(session_id, [system_message(message_text("deletion_done"))])
        fresh = issue_session_id(settings.session_secret)
        for sid, _ in list(self._sio.manager.get_participants("/", session_id)):
            await self._sio.leave_room(sid, session_id)
            await self._join(sid, fresh)
