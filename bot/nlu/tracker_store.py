"""Rasa's SQL tracker store, with each conversation's tracker kept in memory between turns.

Rasa 3.6's ``SQLTrackerStore`` rebuilds the tracker on every turn: it loads every event of the
conversation's latest session, decodes each from JSON and replays it; on save it counts the
session's events again (a query with a subquery) to find the new ones. That cost grows with the
conversation and ran on Rasa's one event loop (docs/benchmarks.md).

:class:`CachedSQLTrackerStore` keeps the tracker it loaded or saved last, per conversation, and
checks it against the database on every ``retrieve`` with one cheap query on the ``sender_id``
index: the number of the conversation's events and the timestamp of the newest one. The kept
tracker is only used when both still match what this process last read or wrote, so the
database stays the truth and several processes stay correct:

- a conversation deleted in the database (``delete my data``: the web app deletes the rows
  directly) or changed by another process no longer matches and is loaded afresh;
- a tracker that Rasa changed but did not save (a failed turn) is not used again;
- a turn that starts a new session drops the kept tracker, so the next load holds the new
  session only, as Rasa's own store would;
- kept trackers are bounded in number and dropped after ``cache_idle_seconds`` without use
  (checked on every retrieve and save): a deleted conversation leaves Rasa's memory at its next
  turn, or at the first turn of anyone after that idle time;
- with an event broker, each save reloads the stored tracker to stream the difference.

The queries and the commit (an fsync on SQLite: milliseconds, tens of them on a busy disk) run
on one worker thread, in order, so Rasa's event loop serves other conversations meanwhile.

On SQLite each thread keeps its connection open (Rasa's SQLAlchemy opens one per query).
Everything else (``retrieve_full_tracker``, ``keys``, the schema) is Rasa's own. Configured in
``endpoints.yml`` as ``type: bot.nlu.tracker_store.CachedSQLTrackerStore``.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 500
DEFAULT_CACHE_IDLE_SECONDS = 600.0

T = TypeVar("T")

# (number of events, timestamp of the newest event) of one conversation in the database. A
# conversation deleted and written again differs in its newest timestamp even with as many
# events (SQLite may reuse the deleted rows' ids, so ids alone would not tell).
Stamp = tuple[int, float | None]


@dataclass
class _Kept:
    """A tracker as it was when it last matched the database."""

    tracker: DialogueStateTracker
    stamp: Stamp
    length: int
    last_event: Event | None
    used_at: float

    def unchanged(self) -> bool:
        """Whether the tracker still holds exactly the events it had when it matched."""
        events = self.tracker.events
        if len(events) != self.length:
            return False
        return self.length == 0 or events[-1] is self.last_event

    def saved_prefix(self, tracker: DialogueStateTracker) -> bool:
        """Whether ``tracker`` is the kept tracker with events only appended since."""
        events = tracker.events
        if tracker is not self.tracker or len(events) < self.length:
            return False
        return self.length == 0 or events[self.length - 1] is self.last_event


class CachedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that reuses its last tracker per conversation while it is current."""

    def __init__(
        self,
        *args: Any,
        cache_size: int = DEFAULT_CACHE_SIZE,
        cache_idle_seconds: float = DEFAULT_CACHE_IDLE_SECONDS,
        **kwargs: Any,
    ) -> None:
        """Create the store; ``cache_size`` conversations are kept at most."""
        super().__init__(*args, **kwargs)
        self._keep_sqlite_connections()
        self.cache_size = int(cache_size)
        self.cache_idle_seconds = float(cache_idle_seconds)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        # One thread for all reads and writes: in order, never two SQLite writers of ours.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-store")
        table = self.SQLEvent.__table__
        sender = sa.bindparam("sender")
        count = (
            sa.select(sa.func.count(table.c.id)).where(table.c.sender_id == sender)
        ).scalar_subquery()
        self._stamp_query = (
            sa.select(count, table.c.timestamp)
            .where(table.c.sender_id == sender)
            .order_by(table.c.id.desc())
            .limit(1)
        )

    def _keep_sqlite_connections(self) -> None:
        """On SQLite, keep one open connection per thread instead of one per query.

        SQLAlchemy 1.4 (Rasa's) opens and closes a SQLite file connection for every session
        (``NullPool``): opening it and reading the schema again was about 0.6 ms of CPU per
        query, two of them per turn. PostgreSQL keeps Rasa's pool.
        """
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _stamp(self, session: Any, sender_id: str) -> Stamp:
        row = session.execute(self._stamp_query, {"sender": sender_id}).first()
        if row is None:
            return 0, None
        return int(row[0]), row[1]

    def _keep(self, sender_id: str, tracker: DialogueStateTracker, stamp: Stamp) -> None:
        now = time.monotonic()
        events = tracker.events
        self._kept[sender_id] = _Kept(
            tracker=tracker,
            stamp=stamp,
            length=len(events),
            last_event=events[-1] if events else None,
            used_at=now,
        )
        self._kept.move_to_end(sender_id)
        self._forget_old(now)

    def _forget_old(self, now: float) -> None:
        """Drop the least recently used trackers beyond the size or idle limit."""
        while self._kept:
            oldest = next(iter(self._kept.values()))
            too_many = len(self._kept) > self.cache_size
            if not too_many and now - oldest.used_at <= self.cache_idle_seconds:
                return
            self._kept.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        """Drop the kept tracker of one conversation, if any."""
        self._kept.pop(sender_id, None)

    async def _in_worker(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking database work on the store's one worker thread, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(function, *args))

    def _read(self, sender_id: str, known: Stamp | None) -> tuple[Stamp, list[Any] | None]:
        """Return the conversation's stamp, and its session's events unless it is ``known``."""
        with self.session_scope() as session:
            # The stamp is read before the events: a change in between makes the next stamp
            # differ, so it can only cause a reload, never a stale tracker.
            stamp = self._stamp(session, sender_id)
            if stamp == known:
                return stamp, None
            if stamp[0] == 0:
                return stamp, []
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            return stamp, [json.loads(row.data) for row in rows]

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Return the tracker of the conversation's latest session, as Rasa's store would."""
        self._forget_old(time.monotonic())
        kept = self._kept.get(sender_id)
        known = kept.stamp if kept is not None and kept.unchanged() else None
        stamp, events = await self._in_worker(self._read, sender_id, known)
        if events is None:
            if kept is self._kept.get(sender_id) and kept is not None and kept.unchanged():
                kept.used_at = time.monotonic()
                self._kept.move_to_end(sender_id)
                return kept.tracker
            stamp, events = await self._in_worker(self._read, sender_id, None)
        self.forget(sender_id)
        if not events or self.domain is None:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events or [], self.domain.slots)
        self._keep(sender_id, tracker, stamp)
        return tracker

    def _write(self, sender_id: str, rows: list[dict[str, Any]]) -> None:
        with self.session_scope() as session:
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    def _write_new(self, tracker: DialogueStateTracker) -> tuple[list[Event], Stamp]:
        """Rasa's way: count the stored events of the session, append the rest; read back."""
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            stamp = self._stamp(session, tracker.sender_id)
            session.commit()
        return new_events, stamp

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events to the database."""
        sender_id = tracker.sender_id
        if self.event_broker is not None:
            # Streaming compares with the stored tracker: it must be loaded, not this one.
            self.forget(sender_id)
            await self.stream_events(tracker)
        kept = self._kept.get(sender_id)
        if kept is not None and kept.saved_prefix(tracker):
            new_events = list(itertools.islice(tracker.events, kept.length, None))
            rows = [self._row(sender_id, event) for event in new_events]
            # What the database holds after this commit, unless another process writes to the
            # conversation meanwhile; then the next retrieve's stamp differs: a reload.
            stamp = (kept.stamp[0] + len(rows), rows[-1]["timestamp"]) if rows else kept.stamp
            await self._in_worker(self._write, sender_id, rows)
        else:
            self.forget(sender_id)
            new_events, stamp = await self._in_worker(self._write_new, tracker)
        if any(isinstance(event, SessionStarted) for event in new_events):
            # Rasa's store loads the latest session only: let the next retrieve do that.
            self.forget(sender_id)
        else:
            self._keep(sender_id, tracker, stamp)
        logger.debug("Tracker with sender_id '%s' stored to database", sender_id)

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        """The ``events`` row of one event, exactly as ``SQLTrackerStore.save`` writes it."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
