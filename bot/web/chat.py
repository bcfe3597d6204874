"""The widget's socket.io endpoint, speaking Rasa's socket.io channel protocol.

Events: ``session_request`` -> ``session_confirm``; ``user_uttered`` -> ``bot_uttered``.
Conversation ids are issued and signed here: an id the app did not issue is replaced.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import socketio
from aiohttp import web

from bot.errors import RasaUnavailableError
from bot.web import keys
from bot.web.replies import (
    EMPTY_MESSAGE,
    MESSAGE_TOO_LONG,
    SOMETHING_WENT_WRONG,
    bot_text,
    to_socketio,
)
from bot.web.session_ids import is_issued, issue_session_id

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000
BOT_UTTERED = "bot_uttered"


def create_socketio(app: web.Application, cors_origins: list[str] | None) -> socketio.AsyncServer:
    """Create the socket.io server, attach it to ``app`` and register the protocol handlers."""
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        cors_allowed_origins=cors_origins or [],
        max_http_buffer_size=256 * 1024,
        logger=False,
        engineio_logger=False,
    )
    sio.attach(app, socketio_path="socket.io")
    handlers = ChatHandlers(app, sio)
    sio.on("session_request", handlers.session_request)
    sio.on("user_uttered", handlers.user_uttered)
    return sio


class ChatHandlers:
    """socket.io event handlers bound to the app's resources."""

    def __init__(self, app: web.Application, sio: socketio.AsyncServer) -> None:
        self._app = app
        self._sio = sio

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

    async def user_uttered(self, sid: str, data: Any = None) -> None:
        """Forward one user message to Rasa and relay the replies to the conversation's room."""
        session_id = await self._session_id(sid)
        text = data.get("message") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip():
            await self._send(session_id, [bot_text(EMPTY_MESSAGE)])
            return
        if len(text) > MAX_MESSAGE_CHARS:
            await self._send(session_id, [bot_text(MESSAGE_TOO_LONG)])
            return
        message_id = uuid.uuid4().hex
        metadata = {"message_id": message_id}
        try:
            replies = await self._app[keys.RASA].send(session_id, text, metadata)
        except RasaUnavailableError as exc:
            logger.error("turn failed: %s (message_id=%s)", exc, message_id)
            replies = []
        else:
            if not replies:
                logger.error("Rasa returned no reply (message_id=%s)", message_id)
        messages = [m for reply in replies for m in to_socketio(reply)]
        await self._send(session_id, messages or [bot_text(SOMETHING_WENT_WRONG)])

    async def _send(self, session_id: str, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            await self._sio.emit(BOT_UTTERED, message, room=session_id)
