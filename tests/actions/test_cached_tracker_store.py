"""CachedSQLTrackerStore: the same rows and trackers as Rasa's SQLTrackerStore, with reuse."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.tracker_store import CachedSQLTrackerStore
from bot.privacy.deletion import delete_tracker_events

DOMAIN = Domain.from_dict({"slots": {"mood": {"type": "any", "mappings": [{"type": "custom"}]}}})


def cached(path: Path, **kwargs: Any) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path), **kwargs)


def plain(path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))


def turn(tracker: DialogueStateTracker, text: str, mood: str) -> None:
    tracker.update(UserUttered(text, intent={"name": "mood", "confidence": 1.0}))
    tracker.update(SlotSet("mood", mood))
    tracker.update(BotUttered(f"noted: {text}"))
    tracker.update(ActionExecuted("action_listen"))


async def play(store: SQLTrackerStore, sender: str, texts: list[str]) -> DialogueStateTracker:
    """Run one turn per text the way Rasa's processor does: retrieve, update, save."""
    for text in texts:
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        if not tracker.events:
            tracker.update(ActionExecuted("action_session_start"))
            tracker.update(SessionStarted())
            tracker.update(ActionExecuted("action_listen"))
        turn(tracker, text, mood=text)
        await store.save(tracker)
    found = await store.retrieve(sender)
    assert found is not None
    return found


def untimed(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in tracker.events]


def rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        query = "SELECT sender_id, type_name, intent_name, action_name FROM events ORDER BY id"
        return connection.execute(query).fetchall()


def test_writes_the_same_rows_and_trackers_as_rasas_store(tmp_path: Path) -> None:
    texts = ["low", "tired", "better", "fine"]
    ours = asyncio.run(play(cached(tmp_path / "ours.db"), "c1", texts))
    theirs = asyncio.run(play(plain(tmp_path / "theirs.db"), "c1", texts))
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "theirs.db")
    assert len(rows(tmp_path / "ours.db")) == 3 + 4 * len(texts)
    assert untimed(ours) == untimed(theirs)
    assert ours.get_slot("mood") == "fine"
    # Rasa's own store reads back what ours wrote.
    reread = asyncio.run(plain(tmp_path / "ours.db").retrieve("c1"))
    assert reread is not None
    assert [e.as_dict() for e in reread.events] == [e.as_dict() for e in ours.events]


def test_reuses_the_tracker_while_the_database_matches(tmp_path: Path) -> None:
    store = cached(tmp_path / "t.db")
    first = asyncio.run(play(store, "c1", ["low", "tired"]))
    assert asyncio.run(store.retrieve("c1")) is first


def test_a_deleted_conversation_is_gone_at_once(tmp_path: Path) -> None:
    path = tmp_path / "rasa-tracker.db"
    store = cached(path)
    asyncio.run(play(store, "gone", ["my secret words"]))
    asyncio.run(play(store, "kept", ["other words"]))
    assert delete_tracker_events(path, "gone") > 0
    assert asyncio.run(store.retrieve("gone")) is None
    assert b"my secret words" not in path.read_bytes()
    # A new conversation under the same id starts from nothing.
    again = asyncio.run(play(store, "gone", ["hello"]))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hello"]
    assert asyncio.run(store.retrieve("kept")) is not None


def test_events_written_by_another_process_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    ours, other = cached(path), cached(path)
    asyncio.run(play(ours, "c1", ["low"]))
    asyncio.run(play(other, "c1", ["better"]))
    seen = asyncio.run(ours.retrieve("c1"))
    assert seen is not None
    assert [e.text for e in seen.events if isinstance(e, UserUttered)] == ["low", "better"]
    assert seen.get_slot("mood") == "better"
    # And ours appends after them, not over them.
    asyncio.run(play(ours, "c1", ["fine"]))
    stored = asyncio.run(plain(path).retrieve("c1"))
    assert stored is not None
    texts = [e.text for e in stored.events if isinstance(e, UserUttered)]
    assert texts == ["low", "better", "fine"]


def test_a_tracker_changed_but_not_saved_is_not_reused(tmp_path: Path) -> None:
    store = cached(tmp_path / "t.db")
    tracker = asyncio.run(play(store, "c1", ["low"]))
    turn(tracker, "lost turn", mood="lost")  # a turn that failed before saving
    again = asyncio.run(store.retrieve("c1"))
    assert again is not None and again is not tracker
    assert again.get_slot("mood") == "low"
    assert "lost turn" not in [e.text for e in again.events if isinstance(e, UserUttered)]


def test_a_new_session_is_loaded_alone_as_rasa_does(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = cached(path)
    tracker = asyncio.run(play(store, "c1", ["low"]))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(SlotSet("mood", "low"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    ours = asyncio.run(store.retrieve("c1"))
    theirs = asyncio.run(plain(path).retrieve("c1"))
    assert ours is not None and theirs is not None
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events]
    assert not any(isinstance(e, UserUttered) for e in ours.events)


def test_keeps_at_most_cache_size_conversations(tmp_path: Path) -> None:
    store = cached(tmp_path / "t.db", cache_size=2)
    for sender in ("a", "b", "c"):
        asyncio.run(play(store, sender, ["low"]))
    assert list(store._kept) == ["b", "c"]
    assert asyncio.run(store.retrieve("a")) is not None  # reloaded from the database


def test_forgets_conversations_idle_too_long(tmp_path: Path) -> None:
    store = cached(tmp_path / "t.db", cache_idle_seconds=0)
    asyncio.run(play(store, "a", ["low"]))
    asyncio.run(play(store, "b", ["low"]))
    assert list(store._kept) == ["b"]


def test_concurrent_conversations_are_stored_apart(tmp_path: Path) -> None:
    store = cached(tmp_path / "t.db")
    senders = [f"c{i}" for i in range(12)]

    async def all_at_once() -> list[DialogueStateTracker]:
        return await asyncio.gather(*(play(store, s, [s, "more", "fine"]) for s in senders))

    trackers = asyncio.run(all_at_once())
    for sender, tracker in zip(senders, trackers, strict=True):
        stored = asyncio.run(plain(tmp_path / "t.db").retrieve(sender))
        assert stored is not None
        texts = [e.text for e in stored.events if isinstance(e, UserUttered)]
        assert texts == [sender, "more", "fine"]
        assert untimed(stored) == untimed(tracker)
