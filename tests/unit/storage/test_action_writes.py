"""A custom action's write, keyed by turn, happens once (bot/storage/action_writes.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
import sqlalchemy.exc

from bot.clock import utcnow
from bot.storage.action_writes import KEEP_KEYS, WriteKey, stored_result, write_once
from bot.storage.checkin_sessions import start_checkin
from bot.storage.engine import Database
from bot.storage.tables import action_writes, checkins, mood_ratings

KEY = WriteKey("conv-1", "msg-1", 2, "start_checkin")


def _count(database: Database, table: sa.Table) -> int:
    return database.run_sync(
        lambda c: c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    )


def _start(database: Database, key: WriteKey, mood: int = 6) -> int:
    return database.run_sync(
        write_once,
        key=key,
        write=start_checkin,
        arguments={"conversation_id": key.conversation_id, "mood": mood},
    )


def test_the_same_turn_writes_once_and_gets_the_first_result(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    first = _start(database, KEY)
    with caplog.at_level(logging.INFO, logger="bot.storage.action_writes"):
        again = _start(database, KEY, mood=2)  # a repeated turn: its arguments are not used

    assert [vars(r).get("event") for r in caplog.records] == ["action_write_repeated"]
    assert "conv-1" not in caplog.text and "msg-1" not in caplog.text

    assert again == first
    assert _count(database, checkins) == 1
    assert _count(database, mood_ratings) == 1
    assert database.run_sync(lambda c: stored_result(c, KEY)) == (True, first)


@pytest.mark.parametrize(
    "other",
    [
        WriteKey("conv-1", "msg-2", 2, "start_checkin"),  # the next message
        WriteKey("conv-1", "msg-1", 3, "start_checkin"),  # a later action of the same turn
        WriteKey("conv-1", "msg-1", 2, "another_write"),  # another write of the same action
        WriteKey("conv-2", "msg-1", 2, "start_checkin"),  # another person
    ],
)
def test_any_other_key_writes_again(database: Database, other: WriteKey) -> None:
    _start(database, KEY)
    _start(database, other)

    assert _count(database, checkins) == 2
    assert _count(database, action_writes) == 2


def test_a_failed_write_leaves_no_key(database: Database) -> None:
    with pytest.raises(ValueError):
        _start(database, KEY, mood=11)

    assert database.run_sync(lambda c: stored_result(c, KEY)) == (False, None)
    assert _start(database, KEY, mood=5) > 0  # the turn run again writes
    assert _count(database, mood_ratings) == 1


def test_two_runs_at_once_cannot_both_commit(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that looked before the other committed fails on the key and rolls its write back."""
    first = _start(database, KEY)
    monkeypatch.setattr(
        "bot.storage.action_writes.stored_result", lambda connection, key: (False, None)
    )

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        _start(database, KEY)

    monkeypatch.undo()
    assert _count(database, checkins) == 1
    assert _count(database, mood_ratings) == 1
    assert _start(database, KEY) == first  # what the caller's retry gets


def test_a_conversations_keys_older_than_a_day_go_when_it_writes_again(
    database: Database,
) -> None:
    old = utcnow() - KEEP_KEYS - timedelta(minutes=1)
    recent = utcnow() - timedelta(hours=1)

    def seed(connection: sa.Connection) -> None:
        for message_id, created_at, conversation in (
            ("old", old, "conv-1"), ("recent", recent, "conv-1"), ("other", old, "conv-2"),
        ):  # fmt: skip
            connection.execute(
                sa.insert(action_writes).values(
                    conversation_id=conversation,
                    message_id=message_id,
                    step=0,
                    label="start_checkin",
                    result=None,
                    created_at=created_at,
                )
            )

    database.run_sync(seed)
    _start(database, KEY)

    kept = database.run_sync(
        lambda c: sorted(c.execute(sa.select(action_writes.c.message_id)).scalars())
    )
    assert kept == ["msg-1", "other", "recent"]  # another conversation's keys wait for its turn
