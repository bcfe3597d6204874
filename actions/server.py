"""The action server: rasa-sdk's Sanic app plus Prometheus metrics (``python -m actions``).

It serves what ``rasa run actions --actions actions`` serves, on the same port:
``POST /webhook``, ``GET /health`` and ``GET /actions``; unlike ``rasa run actions`` it listens
on loopback unless ``SANIC_HOST`` says otherwise, because ``/webhook`` has no authentication. It
adds ``GET /metrics`` (loopback, or ``ALLY_METRICS_TOKEN`` as a bearer token). Logging
follows Ally's settings: JSON lines in production, never any slot value or message text.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import socket
import sys
import time
import zlib
from typing import Any

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.errors import AllyError
from bot.logs import configure_logging
from bot.observability import CONTENT_TYPE
from bot.observability.access import MetricsAccess, metrics_access
from bot.observability.action_metrics import ActionMetrics

ACTIONS_PACKAGE = "actions"
logger = logging.getLogger(__name__)


def registered_actions(package: str = ACTIONS_PACKAGE) -> list[str]:
    """Return the names of the actions rasa-sdk finds in ``package``, without logging them again."""
    executor_logger = logging.getLogger("rasa_sdk.executor")
    level = executor_logger.level
    executor_logger.setLevel(logging.WARNING)
    try:
        executor = ActionExecutor()
        executor.register_package(package)
    finally:
        executor_logger.setLevel(level)
    return list(executor.actions)


def port_in_use(host: str, port: int) -> bool:
    """Return True when ``host:port`` cannot be bound (Sanic would only log it and exit 0)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def requested_action(request: Request) -> Any:
    """Return ``next_action`` from a webhook body (plain or deflated JSON), or None.

    rasa-sdk has usually parsed a plain body already (``request.json`` keeps it); parsing it
    again here was a fifth of the action server's CPU under load.
    """
    call = request.parsed_json
    if call is None:
        try:
            body = request.body
            if request.headers.get("Content-Encoding") == "deflate":
                body = zlib.decompress(body)
            call = json.loads(body)
        except (ValueError, zlib.error):
            return None
    return call.get("next_action") if isinstance(call, dict) else None


def build_app(settings: Settings, package: str = ACTIONS_PACKAGE) -> Sanic:
    """Build rasa-sdk's app for ``package`` with the metrics middleware and ``/metrics``."""
    app = create_app(package, cors_origins=None)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    metrics = ActionMetrics(registered_actions(package))
    app.ctx.metrics = metrics

    @app.middleware("request")
    async def start_timer(request: Request) -> None:
        if request.path == "/webhook":
            request.ctx.started = time.perf_counter()

    @app.middleware("response")
    async def observe(request: Request, resp: HTTPResponse) -> None:
        started = getattr(request.ctx, "started", None)
        if started is not None:
            elapsed = time.perf_counter() - started
            metrics.observe(requested_action(request), resp.status, elapsed)

    @app.get("/metrics")
    async def serve_metrics(request: Request) -> HTTPResponse:
        access = metrics_access(request.ip, request.headers, settings.metrics_token)
        if access is MetricsAccess.HIDDEN:
            return response.json({"error": "not found"}, status=404)
        if access is MetricsAccess.UNAUTHORIZED:
            return response.text(
                "metrics token required", status=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return response.raw(metrics.exposition(), content_type=CONTENT_TYPE)

    return app


def main(argv: list[str] | None = None) -> int:
    """Serve the actions until interrupted; a one-line error on bad settings."""
    parser = argparse.ArgumentParser(description="Ally's action server")
    parser.add_argument("--port", type=int, default=None, help="default: ALLY_ACTIONS_PORT")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except AllyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    logging.captureWarnings(True)
    port = args.port or settings.actions_port
    # Loopback by default: /webhook has no authentication, only Rasa on this host may call it.
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    if port_in_use(host, port):
        print(f"error: ALLY_ACTIONS_PORT: port {port} is already in use", file=sys.stderr)
        return 2
    app = build_app(settings)
    logger.info("action server on %s:%d (/webhook, /health, /metrics)", host, port)
    app.run(host, port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
