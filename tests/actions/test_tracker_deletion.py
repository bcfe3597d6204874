"""delete_tracker_events against a tracker store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.deletion import delete_tracker_events

PERSON = "conv-delete-me"
OTHER = "conv-keep-me"


def _write_trackers(path: Path) -> None:
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))

    async def save_all() -> None:
        for sender, text in ((PERSON, "my secret words"), (OTHER, "other words")):
            tracker = DialogueStateTracker(sender, slots=[])
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered(text, intent={"name": "greet", "confidence": 1.0}))
            tracker.update(BotUttered("hello"))
            await store.save(tracker)

    asyncio.run(save_all())
    store.engine.dispose()


def _events(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")
        return dict(rows.fetchall())


def test_deletes_every_event_of_the_sender_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "rasa-tracker.db"
    _write_trackers(path)
    before = _events(path)
    assert before[PERSON] >= 3
    deleted = delete_tracker_events(path, PERSON)
    assert deleted == before[PERSON]
    after = _events(path)
    assert PERSON not in after
    assert after[OTHER] == before[OTHER]
    assert b"my secret words" not in path.read_bytes()
    # Rasa reads the store back without the deleted conversation.
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    assert asyncio.run(store.retrieve(PERSON)) is None
    assert asyncio.run(store.retrieve(OTHER)) is not None
    store.engine.dispose()


def test_missing_store_deletes_nothing_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    assert delete_tracker_events(path, PERSON) == 0
    assert not path.exists()
