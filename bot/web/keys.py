"""Typed keys for the resources the web app owns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    import jinja2
    import socketio

    from bot.config import Settings
    from bot.storage.accounts import Account
    from bot.storage.engine import Database
    from bot.supporter.live import LiveHub
    from bot.web.auth import LoginThrottle
    from bot.web.rasa_client import RasaClient
    from bot.web.risk_gate import RiskGate

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
DATABASE: web.AppKey[Database] = web.AppKey("database")
RASA: web.AppKey[RasaClient] = web.AppKey("rasa")
SIO: web.AppKey[socketio.AsyncServer] = web.AppKey("sio")
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("templates")
LOGIN_THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("login_throttle")
RISK: web.AppKey[RiskGate] = web.AppKey("risk")
LIVE: web.AppKey[LiveHub] = web.AppKey("live")
# Seconds between heartbeat comments on the supporters' event stream (tests shorten it).
SSE_HEARTBEAT: web.AppKey[float] = web.AppKey("sse_heartbeat", float)

# Per request, set by the authentication middleware.
ACCOUNT: web.RequestKey[Account] = web.RequestKey("account")
CSRF_TOKEN: web.RequestKey[str] = web.RequestKey("csrf_token")
