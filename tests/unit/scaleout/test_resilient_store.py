"""ResilientSQLTrackerStore: retries a lost database connection, never stores a turn twice."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.resilient_store import ResilientSQLTrackerStore, is_connection_problem

DOMAIN = Domain.from_dict({})


def lost_connection() -> sa.exc.OperationalError:
    return sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))


class FlakySessions:
    """A sessionmaker whose next ``fail_open`` sessions cannot connect, and whose next
    ``fail_after_commit`` commits reach the database but report a lost connection."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.fail_open = 0
        self.fail_after_commit = 0

    def __call__(self) -> Any:
        if self.fail_open:
            self.fail_open -= 1
            raise lost_connection()
        session = self.real()
        commit = session.commit

        def commit_then_maybe_fail() -> None:
            commit()
            if self.fail_after_commit:
                self.fail_after_commit -= 1
                raise lost_connection()

        session.commit = commit_then_maybe_fail
        return session


@pytest.fixture
def store(tmp_path: Path) -> ResilientSQLTrackerStore:
    store = ResilientSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    store.retry_seconds = 5.0
    store.sessionmaker = FlakySessions(store.sessionmaker)
    return store


def user_texts(path: Path, sender: str) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT json_extract(data, '$.text') FROM events "
            "WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [text for (text,) in rows]


async def turn(store: ResilientSQLTrackerStore, sender: str, text: str) -> None:
    """One turn as Rasa's processor runs it: retrieve (or start), update, save."""
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, intent={"name": "chat", "confidence": 1.0}))
    tracker.update(BotUttered(f"re: {text}"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)


def test_the_engine_pre_pings_its_connections(store: ResilientSQLTrackerStore) -> None:
    assert store.engine.pool._pre_ping is True


def test_reads_and_writes_wait_for_the_database(
    store: ResilientSQLTrackerStore, tmp_path: Path
) -> None:
    asyncio.run(turn(store, "p1", "one"))
    store.sessionmaker.fail_open = 3  # the next read fails three times: the database restarts
    asyncio.run(turn(store, "p1", "two"))
    store.sessionmaker.fail_open = 2  # and the next write
    tracker = asyncio.run(store.retrieve("p1"))
    store.sessionmaker.fail_open = 2
    assert tracker is not None
    tracker.update(UserUttered("three"))
    asyncio.run(store.save(tracker))
    assert user_texts(tmp_path / "t.db", "p1") == ["one", "two", "three"]


def test_a_commit_that_reached_the_database_is_not_stored_twice(
    store: ResilientSQLTrackerStore, tmp_path: Path
) -> None:
    asyncio.run(turn(store, "p1", "one"))
    store.sessionmaker.fail_after_commit = 1
    asyncio.run(turn(store, "p1", "two"))
    assert store.sessionmaker.fail_after_commit == 0
    asyncio.run(turn(store, "p1", "three"))
    assert user_texts(tmp_path / "t.db", "p1") == ["one", "two", "three"]
    tracker = asyncio.run(store.retrieve("p1"))
    assert tracker is not None
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["one", "two", "three"]


def test_gives_up_after_its_time_and_raises_to_rasa(store: ResilientSQLTrackerStore) -> None:
    store.retry_seconds = 0.5
    store.sessionmaker.fail_open = 1000
    with pytest.raises(sa.exc.OperationalError):
        asyncio.run(store.retrieve("p1"))
    assert store.sessionmaker.fail_open < 1000  # it did retry


def test_other_database_errors_are_not_retried(store: ResilientSQLTrackerStore) -> None:
    calls = []

    def broken() -> Any:
        calls.append(1)
        raise sa.exc.IntegrityError("INSERT", {}, Exception("duplicate"))

    store.sessionmaker = broken
    with pytest.raises(sa.exc.IntegrityError):
        asyncio.run(store.retrieve("p1"))
    assert calls == [1]


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (lost_connection(), True),
        (sa.exc.InterfaceError("SELECT 1", {}, Exception("connection already closed")), True),
        (sa.exc.DBAPIError("SELECT 1", {}, Exception("x"), connection_invalidated=True), True),
        (sa.exc.ProgrammingError("SELECT 1", {}, Exception("no such table")), False),
    ],
)
def test_which_errors_count_as_connection_problems(error: sa.exc.DBAPIError, retried: bool) -> None:
    assert is_connection_problem(error) is retried
