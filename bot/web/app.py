"""The web app factory: every resource is created and closed through ``cleanup_ctx``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import jinja2
from aiohttp import web

from bot.config import Settings
from bot.storage.engine import Database
from bot.storage.spool import Spool
from bot.supporter.live import LiveHub
from bot.web import events, keys, supporter_api, supporter_views, views
from bot.web.admission import GATE, TURNS_PER_RASA, AdmissionGate
from bot.web.auth import LoginThrottle
from bot.web.chat import create_socketio
from bot.web.conversation_views import add_conversation_routes
from bot.web.metrics_views import add_metrics
from bot.web.middleware import authentication, errors, security_headers
from bot.web.rasa_client import RasaClient
from bot.web.rasa_pool import RasaPool
from bot.web.readiness import add_readiness
from bot.web.risk_gate import RiskGate, risk_gate_ctx
from bot.web.widget_views import add_widget_routes

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings, *, database: Database | None = None) -> web.Application:
    """Build the web app for ``settings``; pass ``database`` to share one (tests)."""
    app = web.Application(
        middlewares=[security_headers, errors, authentication], client_max_size=MAX_BODY_BYTES
    )
    app[keys.SETTINGS] = settings
    app[keys.LOGIN_THROTTLE] = LoginThrottle()
    app[keys.LIVE] = LiveHub()
    # Rasa works on a few turns at a time per process; the rest wait in arrival order, risk
    # disclosures first (bot/web/admission.py, docs/benchmarks.md).
    app[GATE] = AdmissionGate(TURNS_PER_RASA * max(1, len(settings.rasa_urls)))
    app[keys.TEMPLATES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    app.cleanup_ctx.append(_database_ctx(database))
    app.cleanup_ctx.append(_rasa_ctx)
    app.cleanup_ctx.append(_risk_ctx)
    app.cleanup_ctx.append(events.watcher_ctx)
    app.cleanup_ctx.append(events.webhook_ctx)
    app[keys.SIO] = create_socketio(app, cors_origins=list(settings.widget_origins))
    _add_routes(app)
    add_metrics(app)
    add_readiness(app)
    return app


def _add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/", views.chat_page, name="chat")
    r.add_get("/healthz", views.health, name="health")
    r.add_get("/supporter/login", views.login_form, name="supporter_login")
    r.add_post("/supporter/login", views.login_submit, name="supporter_login_post")
    r.add_post("/supporter/logout", views.logout, name="supporter_logout")
    r.add_post("/api/login", views.api_login, name="api_login")
    supporter_views.add_routes(app)
    supporter_api.add_routes(app)
    events.add_routes(app)
    add_conversation_routes(r)
    add_widget_routes(r)
    r.add_static("/static/", HERE / "static", name="static", append_version=True)


def _database_ctx(shared: Database | None):  # type: ignore[no-untyped-def]
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        database = shared or Database.from_url(app[keys.SETTINGS].database_url)
        app[keys.DATABASE] = database
        yield
        if shared is None:
            database.close()

    return ctx


async def _risk_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    gate = RiskGate(app[keys.DATABASE], Spool(settings.var_dir / "spool" / "escalations.jsonl"))
    app[keys.RISK] = gate
    async for _ in risk_gate_ctx(gate):
        yield


async def _rasa_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=200), raise_for_status=False
    ) as session:
        if settings.rasa_urls:  # scale-out: several Rasa replicas (docs/scale-out.md)
            app[keys.RASA] = RasaPool(  # type: ignore[assignment]  (same methods as RasaClient)
                session, settings.rasa_urls, settings.rasa_timeout, token=settings.rasa_token
            )
        else:
            app[keys.RASA] = RasaClient(
                session, settings.rasa_url, settings.rasa_timeout, token=settings.rasa_token
            )
        yield
