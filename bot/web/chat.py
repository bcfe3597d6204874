"""The widget's socket.io endpoint, speaking Rasa's socket.io channel protocol.

Events: ``session_request`` -> ``session_confirm``; ``user_uttered`` -> ``bot_uttered``.
Conversation ids are issued and signed here: an id the app did not issue is replaced.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from aiohttp import web

from bot.web import keys
from bot.web.session_ids import is_issued, issue_session_id
from bot.web.turns import handle_user_message

logger = logging.getLogger(__name__)

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
        """Handle one user message and relay the replies to the conversation's room."""
        session_id = await self._session_id(sid)
        text = data.get("message") if isinstance(data, dict) else None
        await self._send(session_id, await handle_user_message(self._app, session_id, text))

    async def _send(self, session_id: str, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            await self._sio.emit(BOT_UTTERED, message, room=session_id)
