"""Server-sent events for supporters' live views, and the tasks that feed them.

``GET /supporter/events`` streams ``escalation`` events (and ``snapshot`` on connect or after
a ``resync``) from the app's LiveHub. With ``?conversation=<id>`` it also streams that
conversation's events (those carrying a matching ``conversation_id``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import sqlalchemy as sa
from aiohttp import web

from bot.clock import utcnow
from bot.storage.escalations import list_active
from bot.supporter import queue
from bot.supporter.watcher import EscalationWatcher
from bot.supporter.webhook import WebhookSender
from bot.web import keys
from bot.web.middleware import add_security_headers, same_origin

HEARTBEAT_SECONDS = 15.0
# Streams end after this long; EventSource reconnects, which re-checks the session and role.
MAX_STREAM_SECONDS = 300.0
QUEUE_EVENT_TYPES = frozenset({"escalation"})
logger = logging.getLogger(__name__)


def add_routes(app: web.Application) -> None:
    """Register the event stream."""
    app.router.add_get("/supporter/events", events, name="supporter_events")


async def snapshot(app: web.Application) -> dict[str, Any]:
    """Return the whole current queue as one event."""
    target = app[keys.SETTINGS].escalation_target_seconds
    rows = queue.order(await app[keys.DATABASE].run(list_active))
    now = utcnow()
    return {"type": "snapshot", "escalations": [queue.item_json(e, now, target) for e in rows]}


def _format(event: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(event, separators=(',', ':'))}\n\n".encode()


def _wanted(event: dict[str, Any], conversation_id: str | None) -> bool:
    if event.get("type") in QUEUE_EVENT_TYPES:
        return True
    return conversation_id is not None and event.get("conversation_id") == conversation_id


async def events(request: web.Request) -> web.StreamResponse:
    """Stream live events as ``text/event-stream`` with heartbeat comments."""
    if not same_origin(request):
        return web.Response(status=403, text="cross-origin event stream refused")
    conversation_id = request.query.get("conversation") or None
    heartbeat = request.app.get(keys.SSE_HEARTBEAT, HEARTBEAT_SECONDS)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache, no-store",
            "X-Accel-Buffering": "no",
        }
    )
    add_security_headers(response)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_STREAM_SECONDS
    async with request.app[keys.LIVE].subscribe() as inbox:
        await response.prepare(request)
        try:
            await response.write(b"retry: 2000\n\n")
            await response.write(_format(await snapshot(request.app)))
            while loop.time() < deadline:
                try:
                    event = await asyncio.wait_for(inbox.get(), timeout=heartbeat)
                except asyncio.TimeoutError:
                    await response.write(b": heartbeat\n\n")
                    continue
                if event.get("type") == "resync":
                    await response.write(_format(await snapshot(request.app)))
                elif _wanted(event, conversation_id):
                    await response.write(_format(event))
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            pass  # the supporter closed the page
        except sa.exc.SQLAlchemyError as exc:
            # The headers are sent, so no error page: end the stream; the browser reconnects.
            logger.warning("event stream ended: database unavailable (%s)", type(exc).__name__)
    return response


def publish_escalation(app: web.Application, escalation: Any) -> None:
    """Publish one escalation's new state to every live view at once."""
    target = app[keys.SETTINGS].escalation_target_seconds
    app[keys.LIVE].publish(
        {"type": "escalation", "escalation": queue.item_json(escalation, utcnow(), target)}
    )


async def _run_until_cleanup(coro: Any) -> AsyncIterator[None]:
    task = asyncio.create_task(coro)
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def watcher_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run the escalation watcher for the app's lifetime."""
    watcher = EscalationWatcher(
        app[keys.DATABASE],
        app[keys.LIVE].publish,
        target_seconds=app[keys.SETTINGS].escalation_target_seconds,
    )
    async for _ in _run_until_cleanup(watcher.run()):
        yield


async def webhook_ctx(app: web.Application) -> AsyncIterator[None]:
    """Run the webhook sender when ``ALLY_WEBHOOK_URL`` is set."""
    settings = app[keys.SETTINGS]
    if not settings.webhook_url:
        yield
        return
    async with aiohttp.ClientSession() as session:
        sender = WebhookSender(
            app[keys.DATABASE],
            session,
            settings.webhook_url,
            target_seconds=settings.escalation_target_seconds,
        )
        async for _ in _run_until_cleanup(sender.run()):
            yield
