"""``GET /readyz``: can the web app give a person a full answer right now, and if not, why not.

``/healthz`` only says the process answers (the supervisor's liveness check). ``/readyz`` checks,
at the time of the request, what a turn needs:

- ``database``: one read of the escalations table (so a database without Ally's tables, not
  migrated, is not ready either). While it is down, escalations go to the local spool and are
  replayed later, and the supporters' queue cannot be read.
- ``rasa``: each replica's ``/status`` with a model loaded; at least one must be up. While none
  is, people still get the crisis text from the web app itself, but no check-in.
- ``spool``: escalations waiting in the local spool for the database (0 normally).
- ``backends`` (``ally up --scale`` only): PostgreSQL's and Redis's state from the watchdog's
  health file (bot/scaleout/backend_health.py): ``up``, ``down`` (its process died and is being
  restarted) or ``unresponsive`` (its process runs but does not answer the watchdog's probe).

It answers 200 ``{"status": "ready", ...}`` when the database and Rasa are up and, while the
watchdog runs (``watching`` in its file), every backend is ``up``; else 503
``{"status": "degraded", ...}``. A file whose watchdog has stopped describes its last moment
(the stack stopped, or a single-process stack now uses the same var folder): its states are
shown but do not count. Use it for alerts and for routing between several web apps; a
single web app should stay in service when degraded (it still gives the crisis text), so its load
balancer checks ``/healthz``. It holds states and counts, never a conversation. Access is the
same as for ``/metrics``: loopback, or ``ALLY_METRICS_TOKEN`` as a bearer token.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.engine import Connection

from bot.scaleout.backend_health import HEALTH_FILE, read_report
from bot.storage.tables import escalations
from bot.web import keys
from bot.web.metrics_views import access_refusal, spool_depth

logger = logging.getLogger(__name__)
CHECK_SECONDS = 2.0  # each check; they run at the same time


def add_readiness(app: web.Application) -> None:
    """Add the ``GET /readyz`` route."""
    app.router.add_get("/readyz", readiness, name="readiness")


async def readiness(request: web.Request) -> web.Response:
    """Check the database and Rasa, read the spool and the backends; 200 or 503."""
    refusal = access_refusal(request)
    if refusal is not None:
        return refusal
    app = request.app
    database_up, replicas, spooled = await asyncio.gather(
        _database_up(app), app[keys.RASA].statuses(CHECK_SECONDS), spool_depth(app)
    )
    rasa_up = any(replica["up"] for replica in replicas)
    checks: dict[str, Any] = {
        "database": {"up": database_up},
        "rasa": {"up": rasa_up, "replicas": [replica["up"] for replica in replicas]},
        "spool": {"depth": spooled},
    }
    backends = read_report(app[keys.SETTINGS].var_dir / HEALTH_FILE)
    backends_up = True
    if backends is not None:
        checks["backends"] = backends.get("servers", {})
        backends_up = backends.get("watching") is not True or _all_up(checks["backends"])
    ready = database_up and rasa_up and backends_up
    return web.json_response(
        {"status": "ready" if ready else "degraded", "checks": checks},
        status=200 if ready else 503,
    )


def _all_up(servers: object) -> bool:
    """True when every server in the health file's ``servers`` is ``up``."""
    if not isinstance(servers, dict):
        return False
    return all(isinstance(health, dict) and health.get("state") == "up"
               for health in servers.values())  # fmt: skip


def _read_escalations(connection: Connection) -> bool:
    connection.execute(sa.select(escalations.c.id).limit(1)).all()
    return True


async def _database_up(app: web.Application) -> bool:
    try:
        return await asyncio.wait_for(app[keys.DATABASE].run(_read_escalations), CHECK_SECONDS)
    except Exception as exc:  # down, locked or slow: not ready
        logger.warning("readiness: database check failed: %s", type(exc).__name__)
        return False
