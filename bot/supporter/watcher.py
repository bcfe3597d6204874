"""Publishes new and changed escalations to live views by polling the database cheaply.

Escalations are also written by the action server (another process) and by the spool replay,
so the web app cannot rely on its own writes alone. Every ``interval`` the watcher reads the
rows whose ``updated_at`` moved, and publishes each new version once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.storage.escalations import Escalation, changed_since
from bot.supporter.queue import item_json

logger = logging.getLogger(__name__)
# Re-read a few seconds back: a transaction that committed late still carries an earlier time.
LOOKBACK = timedelta(seconds=5)


def escalation_event(escalation: Escalation, target_seconds: float) -> dict[str, Any]:
    """Return the live event for one escalation's current state."""
    return {
        "type": "escalation",
        "escalation": item_json(escalation, utcnow(), target_seconds),
    }


class EscalationWatcher:
    """Polls for escalation changes and hands each new version to ``publish``."""

    def __init__(
        self,
        database: Database,
        publish: Callable[[dict[str, Any]], None],
        *,
        target_seconds: float,
        interval: float = 0.25,
        lookback: timedelta = LOOKBACK,
    ) -> None:
        self._database = database
        self._publish = publish
        self._target_seconds = target_seconds
        self._interval = interval
        self._lookback = lookback
        self._high_water = utcnow()
        self._seen: dict[int, datetime | None] = {}

    async def poll_once(self) -> list[Escalation]:
        """Publish every escalation that is new or changed since the last poll; return them."""
        rows = await self._database.run(changed_since, since=self._high_water - self._lookback)
        fresh = [row for row in rows if self._seen.get(row.id, 0) != row.updated_at]
        for row in fresh:
            self._seen[row.id] = row.updated_at
            self._publish(escalation_event(row, self._target_seconds))
        stamps = [row.updated_at for row in rows if row.updated_at is not None]
        if stamps:
            self._high_water = max(self._high_water, *stamps)
        horizon = self._high_water - self._lookback
        self._seen = {k: v for k, v in self._seen.items() if v is not None and v >= horizon}
        return fresh

    async def run(self) -> None:
        """Poll until cancelled; a failed poll (database down) is logged and retried."""
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("escalation watcher poll failed; retrying")
                await asyncio.sleep(2.0)
            await asyncio.sleep(self._interval)
