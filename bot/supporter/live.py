"""In-process publish/subscribe for supporters' live views (SSE or WebSocket subscribers).

Events are plain JSON-able dicts with a ``type`` key, for example
``{"type": "escalation", "escalation": {...}}`` or
``{"type": "conversation_message", "conversation_id": ..., "message": {...}}``.
A slow subscriber never blocks a publisher: its queue is bounded and, when full, it is told to
reload (``{"type": "resync"}``) instead of silently missing events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

QUEUE_SIZE = 256
RESYNC: dict[str, Any] = {"type": "resync"}


class LiveHub:
    """Fan-out of events to every current subscriber of this web app process."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()

    @property
    def subscriber_count(self) -> int:
        """How many live views are connected now."""
        return len(self._subscribers)

    def publish(self, event: dict[str, Any]) -> None:
        """Deliver ``event`` to every subscriber without waiting."""
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                _drain(queue)
                queue.put_nowait(RESYNC)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """Yield a queue that receives every event published while the context is open."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._queue_size)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)


def _drain(queue: asyncio.Queue[dict[str, Any]]) -> None:
    while not queue.empty():
        queue.get_nowait()
