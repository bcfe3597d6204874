"""Delivers the webhook outbox with the aiohttp client: timeouts, retries, backoff with jitter.

The sender runs as its own task. Escalations are committed before anything is enqueued, and
every attempt is persisted, so a slow or failing webhook never blocks or loses an escalation.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta

import aiohttp

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.supporter import outbox

logger = logging.getLogger(__name__)
_jitter = random.SystemRandom()


def backoff_seconds(attempts: int, *, base: float, cap: float) -> float:
    """Return the delay before the next try after ``attempts`` failures ("equal jitter")."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + _jitter.uniform(0, delay / 2)


class WebhookSender:
    """Enqueues due notifications and posts pending outbox rows to one URL."""

    def __init__(
        self,
        database: Database,
        session: aiohttp.ClientSession,
        url: str,
        *,
        target_seconds: float,
        timeout: float = 10.0,
        max_attempts: int = 8,
        base_delay: float = 2.0,
        max_delay: float = 900.0,
        interval: float = 1.0,
    ) -> None:
        self._database = database
        self._session = session
        self._url = url
        self._target_seconds = target_seconds
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._interval = interval

    async def run_once(self) -> int:
        """Enqueue what is due, then try each due delivery once; return how many were tried."""
        await self._database.run(
            outbox.enqueue_due, now=utcnow(), target_seconds=self._target_seconds
        )
        items = await self._database.run(outbox.due, now=utcnow())
        for item in items:
            await self._deliver(item)
        return len(items)

    async def run(self) -> None:
        """Loop until cancelled; an error in one round is logged and the next round goes on."""
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("webhook round failed; retrying")
            await asyncio.sleep(self._interval)

    async def _deliver(self, item: outbox.OutboxItem) -> None:
        error = await self._post(item)
        if error is None:
            await self._database.run(outbox.mark_sent, item_id=item.id, now=utcnow())
            return
        attempts = item.attempts + 1
        retry_at = None
        if attempts < self._max_attempts:
            delay = backoff_seconds(attempts, base=self._base_delay, cap=self._max_delay)
            retry_at = utcnow() + timedelta(seconds=delay)
        logger.warning(
            "webhook delivery %s failed (attempt %s): %s%s",
            item.id,
            attempts,
            error,
            "" if retry_at else "; giving up",
        )
        await self._database.run(
            outbox.mark_attempt_failed, item_id=item.id, error=error, retry_at=retry_at
        )

    async def _post(self, item: outbox.OutboxItem) -> str | None:
        """Post one payload; return None on success or a short error (never the URL)."""
        try:
            async with self._session.post(
                self._url, json=item.payload, timeout=self._timeout, allow_redirects=False
            ) as response:
                if 200 <= response.status < 300:
                    return None
                return f"HTTP {response.status}"
        except asyncio.TimeoutError:
            return "timeout"
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return type(exc).__name__
