"""``GET /metrics`` for Prometheus, and the hooks that feed the web app's metrics.

The route is public to the session middleware (Prometheus has no login) and checks access
itself: loopback callers without a token, anyone else only with ``ALLY_METRICS_TOKEN`` as a
bearer token; with no token configured the route does not exist for them (404).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from bot.observability import CONTENT_TYPE
from bot.observability.access import MetricsAccess, metrics_access
from bot.observability.queue_stats import QueueGroup, queue_groups
from bot.observability.web_metrics import WebMetrics
from bot.web import keys

if TYPE_CHECKING:
    from bot.storage.escalations import Escalation
    from bot.web.turns import TurnResult

logger = logging.getLogger(__name__)
METRICS: web.AppKey[WebMetrics] = web.AppKey("metrics", WebMetrics)
ROUTE_NAME = "metrics"
Result = TypeVar("Result", bound="TurnResult")


def add_metrics(app: web.Application) -> None:
    """Give ``app`` its own metrics registry and the ``GET /metrics`` route."""
    app[METRICS] = WebMetrics()
    app.router.add_get("/metrics", metrics, name=ROUTE_NAME)


def access_refusal(request: web.Request) -> web.Response | None:
    """None when the caller may read the metrics (and ``/readyz``); else the 401 to send.

    Raises:
        web.HTTPNotFound: for a caller who may never read them (no token configured).
    """
    token = request.app[keys.SETTINGS].metrics_token
    access = metrics_access(request.remote, request.headers, token)
    if access is MetricsAccess.HIDDEN:
        raise web.HTTPNotFound()
    if access is MetricsAccess.UNAUTHORIZED:
        return web.Response(
            status=401, text="metrics token required", headers={"WWW-Authenticate": "Bearer"}
        )
    return None


async def metrics(request: web.Request) -> web.Response:
    """Serve the metrics in Prometheus' text format, reading the queue and spool first."""
    refusal = access_refusal(request)
    if refusal is not None:
        return refusal
    registry = request.app[METRICS]
    registry.set_queue(await _read_queue(request.app))
    registry.spool_depth.set(await spool_depth(request.app))
    return web.Response(body=registry.exposition(), headers={"Content-Type": CONTENT_TYPE})


async def _read_queue(app: web.Application) -> list[QueueGroup] | None:
    try:
        return await app[keys.DATABASE].run(queue_groups)
    except Exception as exc:  # database down: report it as ally_queue_metrics_up 0
        logger.warning("queue metrics unavailable: %s", type(exc).__name__)
        return None


async def spool_depth(app: web.Application) -> int:
    """Escalations waiting in the local spool for the database."""
    gate = app.get(keys.RISK)
    if gate is None or not gate.spool.path.exists():
        return 0
    return await asyncio.get_running_loop().run_in_executor(None, gate.spool.depth)


def observed_turn(
    run: Callable[..., Awaitable[Result]],
) -> Callable[..., Awaitable[Result]]:
    """Decorate ``run_turn(app, ...)`` to count its outcome (``result.outcome``) and latency."""

    @functools.wraps(run)
    async def wrapper(app: web.Application, *args: Any, **kwargs: Any) -> Result:
        started = time.perf_counter()
        registry = app.get(METRICS)
        try:
            result = await run(app, *args, **kwargs)
        except Exception:
            if registry is not None:
                registry.observe_turn("error", time.perf_counter() - started)
            raise
        if registry is not None:
            registry.observe_turn(result.outcome, time.perf_counter() - started)
        return result

    return wrapper


def observe_claim(app: web.Application, escalation: Escalation) -> None:
    """Record the wait until a claim, when ``escalation`` has just been claimed."""
    registry = app.get(METRICS)
    if registry is not None and escalation.status == "claimed":
        registry.observe_claim(escalation.severity, escalation.created_at, escalation.claimed_at)
