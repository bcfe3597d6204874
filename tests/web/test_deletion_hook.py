"""Deleting a person's data on request: Rasa's action asks, the web app deletes and moves on."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.storage.checkins import mood_history, record_mood
from bot.storage.engine import Database
from bot.storage.goals import record_goal
from bot.storage.tables import goals
from bot.supporter.takeover import message_text
from bot.web import chat
from bot.web.session_ids import is_issued
from tests.web.conftest import FakeRasa, Widget

DELETE_REPLIES = [
    {"text": "Okay. I'm deleting everything you've told me."},
    {"custom": {"ally_event": "delete_my_data"}},
]


async def test_delete_request_deletes_everywhere_and_starts_afresh(
    server: TestServer, widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database,
    web_settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    rasa, _ = fake_rasa
    tracker_calls: list[tuple[Path, str]] = []

    def fake_tracker_delete(path: Path, conversation_id: str) -> int:
        tracker_calls.append((path, conversation_id))
        return 3

    monkeypatch.setattr(chat, "delete_tracker_events", fake_tracker_delete)
    old_id = await widget.session()
    database.run_sync(record_mood, conversation_id=old_id, rating=4)
    second_tab = Widget()
    await second_tab.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
    try:
        assert await second_tab.session(old_id) == old_id
        rasa.replies = DELETE_REPLIES
        await widget.send("delete my data")
        assert await widget.next() == {"text": DELETE_REPLIES[0]["text"]}
        assert await widget.next() == {
            "text": message_text("deletion_done"),
            "metadata": {"sender": "system"},
        }
        new_id = await asyncio.wait_for(widget.confirmed.get(), 5)
        assert new_id != old_id and is_issued(web_settings.session_secret, new_id)
        assert await asyncio.wait_for(second_tab.confirmed.get(), 5) == new_id
    finally:
        await second_tab.sio.disconnect()
    assert database.run_sync(mood_history, conversation_id=old_id) == []
    assert tracker_calls == [(web_settings.tracker_db_path, old_id)]
    rasa.replies = [{"text": "hello again"}]
    assert await widget.say("hi") == {"text": "hello again"}
    assert rasa.received[-1]["sender"] == new_id


async def test_deleted_text_leaves_the_write_ahead_log_too(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database,
    web_settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """WAL mode keeps the pages first written in the -wal file while pooled connections live."""
    rasa, _ = fake_rasa
    monkeypatch.setattr(chat, "delete_tracker_events", lambda *args: 0)
    secret = "ring my estranged brother Jonas"
    old_id = await widget.session()
    database.run_sync(record_goal, conversation_id=old_id, status="accepted", text=secret)
    folder = Path(make_url(web_settings.database_url).database or "").parent

    def stored_anywhere() -> bool:
        return any(secret.encode() in path.read_bytes() for path in folder.glob("*.db*"))

    with database.engine.connect() as reader:  # another pooled connection stays open throughout
        reader.execute(sa.select(goals.c.id)).all()
        assert stored_anywhere(), "the test must see the text before the deletion"
        rasa.replies = DELETE_REPLIES
        await widget.send("delete my data")
        await widget.next()
        assert (await widget.next())["text"] == message_text("deletion_done")
        assert not stored_anywhere()


async def test_failed_deletion_says_so_and_keeps_the_conversation(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa, _ = fake_rasa

    def broken(*args: Any, **kwargs: Any) -> dict[str, int]:
        raise RuntimeError("database is down")

    monkeypatch.setattr(chat, "delete_person", broken)
    old_id = await widget.session()
    rasa.replies = DELETE_REPLIES
    await widget.send("delete my data")
    await widget.next()
    assert (await widget.next())["text"] == message_text("deletion_failed")
    rasa.replies = [{"text": "still here"}]
    assert await widget.say("hi") == {"text": "still here"}
    assert rasa.received[-1]["sender"] == old_id
    assert widget.confirmed.empty()


async def test_custom_ally_events_never_reach_the_widget(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    rasa.replies = [{"custom": {"ally_event": "something_else"}}, {"text": "done"}]
    await widget.session()
    assert await widget.say("hi") == {"text": "done"}
    rasa.replies = [{"text": "next"}]
    assert await widget.say("again") == {"text": "next"}, "nothing else was queued"
