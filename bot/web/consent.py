"""The widget's consent event: the person agreed to the transparency notice.

``ally_consent {"notice_version": "..."}`` records one audit row for the socket's own
conversation (the signed session id the server confirmed, never an id the client sends).
The acknowledgement is ``{"ok": true}`` or ``{"ok": false, "error": "..."}``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from aiohttp import web

from bot.storage.audit import record_audit
from bot.web import keys

logger = logging.getLogger(__name__)

CONSENT_EVENT = "ally_consent"
NOTICE_VERSION = re.compile(r"^[A-Za-z0-9._-]{1,32}$")

Handler = Callable[[str, Any], Awaitable[dict[str, Any]]]


def consent_handler(app: web.Application, sio: socketio.AsyncServer) -> Handler:
    """Return the ``ally_consent`` handler bound to ``app``'s database."""

    async def on_consent(sid: str, data: Any = None) -> dict[str, Any]:
        version = data.get("notice_version") if isinstance(data, dict) else None
        if not isinstance(version, str) or not NOTICE_VERSION.match(version):
            return {"ok": False, "error": "notice_version must be a short version string"}
        session = await sio.get_session(sid)
        session_id = session.get("session_id") if session else None
        if not session_id:
            return {"ok": False, "error": "send session_request first"}
        try:
            await app[keys.DATABASE].run(
                record_audit,
                actor="participant",
                action="consent_given",
                target_type="conversation",
                target_id=session_id,
                detail={"notice_version": version},
            )
        except Exception:  # the widget keeps the local choice and retries on the next connect
            logger.exception("consent not recorded")
            return {"ok": False, "error": "not recorded, try again later"}
        return {"ok": True}

    return on_consent


def register_consent(app: web.Application, sio: socketio.AsyncServer) -> None:
    """Register the ``ally_consent`` event on ``sio``."""
    sio.on(CONSENT_EVENT, consent_handler(app, sio))
