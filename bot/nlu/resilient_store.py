"""The scale-out tracker store: outlives a PostgreSQL restart instead of dropping events.

Rasa 3.6's ``SQLTrackerStore`` keeps pooled connections that a database restart leaves dead,
and does not retry: the next reads and writes fail, Rasa's ``FailSafeTrackerStore`` answers a
failed read with a fresh conversation and keeps a failed write in memory only, and those turns'
events are never stored (docs/robustness.md, "Scale-out faults").

:class:`ResilientSQLTrackerStore` is :class:`~bot.nlu.tracker_store.CachedSQLTrackerStore`
(which checks the database on every ``retrieve``, so several replicas stay correct) with:

- an engine with ``pool_pre_ping``: a pooled connection that died is replaced on checkout;
- ``retrieve``, ``retrieve_full_tracker`` and ``save`` retried on a lost or refused database
  connection, with a short, growing pause, for at most ``retry_seconds`` (15 s by default)
  before the error goes to Rasa as before.

A retried ``save`` cannot store a turn twice: the kept tracker is dropped first, so the retry
takes Rasa's own path, which counts the events the database already holds for the session and
appends only the rest (a write whose commit did reach the database adds nothing).

Configured in ``endpoints-scale.yml`` as ``type: bot.nlu.resilient_store.ResilientSQLTrackerStore``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.tracker_store import CachedSQLTrackerStore

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 15.0
FIRST_PAUSE_SECONDS = 0.1
MAX_PAUSE_SECONDS = 1.0

T = TypeVar("T")


def is_connection_problem(exc: BaseException) -> bool:
    """True for errors that a new connection may cure: refused, lost, or a dead pooled one."""
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return True
    return isinstance(exc, sa.exc.DBAPIError) and bool(exc.connection_invalidated)


class ResilientSQLTrackerStore(CachedSQLTrackerStore):
    """``CachedSQLTrackerStore`` that pre-pings its connections and retries on disconnects."""

    def __init__(
        self, *args: Any, retry_seconds: float = DEFAULT_RETRY_SECONDS, **kwargs: Any
    ) -> None:
        """Create the store; give up on a lost database after ``retry_seconds``."""
        super().__init__(*args, **kwargs)
        self.retry_seconds = float(retry_seconds)
        url = self.engine.url
        old = self.engine
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        old.dispose()

    async def _retrying(self, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt`` until it does not fail on the connection, or the time is up."""
        deadline = time.monotonic() + self.retry_seconds
        pause = FIRST_PAUSE_SECONDS
        tries = 1
        while True:
            try:
                result = await attempt()
            except sa.exc.SQLAlchemyError as exc:
                if not is_connection_problem(exc) or time.monotonic() + pause > deadline:
                    raise
                logger.warning(
                    "tracker store %s failed (%s, try %d); retrying in %.1f s",
                    what, type(exc).__name__, tries, pause,
                )  # fmt: skip
            else:
                if tries > 1:
                    logger.warning("tracker store %s succeeded on try %d", what, tries)
                return result
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)
            tries += 1

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Return the latest session's tracker, retrying while the database is away."""
        parent = super()
        return await self._retrying("read", lambda: parent.retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """Return the tracker with every session, retrying while the database is away."""
        parent = super()
        return await self._retrying("read", lambda: parent.retrieve_full_tracker(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, retrying while the database is away."""
        parent = super()
        first = True

        async def attempt() -> None:
            nonlocal first
            if not first:
                # Count what the database holds, append only the rest (see the module docstring).
                self.forget(tracker.sender_id)
            first = False
            await parent.save(tracker)

        await self._retrying("write", attempt)
