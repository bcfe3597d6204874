"""The socket.io endpoint against a fake Rasa: protocol, signed ids, and failure replies."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.storage.engine import Database
from bot.web.app import create_app
from bot.web.replies import EMPTY_MESSAGE, MESSAGE_TOO_LONG, SOMETHING_WENT_WRONG
from bot.web.session_ids import is_issued
from tests.conftest import make_settings
from tests.web.conftest import FakeRasa, Widget


async def test_foreign_session_id_is_replaced(widget: Widget, web_settings: Settings) -> None:
    session_id = await widget.session("someone-elses-id")
    assert session_id != "someone-elses-id"
    assert is_issued(web_settings.session_secret, session_id)


async def test_issued_session_id_is_kept(server: TestServer, widget: Widget) -> None:
    first = await widget.session(None)
    second_widget = Widget()
    await second_widget.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
    try:
        assert await second_widget.session(first) == first
    finally:
        await second_widget.sio.disconnect()


async def test_message_is_forwarded_with_signed_sender_and_reply_relayed(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    rasa.replies = [{"text": "How are you?", "buttons": [{"title": "7", "payload": "7"}]}]
    session_id = await widget.session()
    reply = await widget.say("hi", session_id="forged-id")
    assert reply == {
        "text": "How are you?",
        "quick_replies": [{"content_type": "text", "title": "7", "payload": "7"}],
    }
    sent = rasa.received[-1]
    assert sent["sender"] == session_id, "the client's own session_id is never trusted"
    assert sent["message"] == "hi"
    assert len(sent["metadata"]["message_id"]) == 32


@pytest.mark.parametrize("failure", ["empty", "http500"])
async def test_rasa_failure_tells_the_person(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], failure: str
) -> None:
    rasa, _ = fake_rasa
    if failure == "empty":
        rasa.replies = []
    else:
        rasa.status = 500
    await widget.session()
    assert await widget.say("hello") == {"text": SOMETHING_WENT_WRONG}


async def test_rasa_down_tells_the_person(tmp_path: Any, database: Database) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]  # nothing listens here once the socket closes
    settings = make_settings(tmp_path, ALLY_RASA_PORT=str(closed_port), ALLY_RASA_TIMEOUT="2")
    server = TestServer(create_app(settings, database=database), host="127.0.0.1")
    await server.start_server()
    person = Widget()
    try:
        await person.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await person.session()
        assert await person.say("hello") == {"text": SOMETHING_WENT_WRONG}
        await person.sio.disconnect()
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("message", "answer"),
    [
        ("", EMPTY_MESSAGE),
        ("   ", EMPTY_MESSAGE),
        (None, EMPTY_MESSAGE),
        (42, EMPTY_MESSAGE),
        ("x" * 5000, MESSAGE_TOO_LONG),
    ],
)
async def test_bad_messages_get_a_clear_answer_and_are_not_forwarded(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], message: Any, answer: str
) -> None:
    rasa, _ = fake_rasa
    await widget.session()
    assert await widget.say(message) == {"text": answer}
    assert rasa.received == []


async def test_odd_unicode_is_forwarded_intact(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    text = "e\u0301 \u202eabc \U0001f600 \u0000 \ud7ff"
    await widget.session()
    await widget.say(text)
    assert rasa.received[-1]["message"] == text


async def test_history_replays_the_sockets_own_conversation(
    server: TestServer, widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    rasa.replies = [{"text": "How are you?", "buttons": [{"title": "7", "payload": "7"}]}]
    session_id = await widget.session()
    await widget.say("hi")
    other = Widget()
    await other.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
    try:
        await other.session()
        await other.say("someone else's words")
        await other.sio.emit("ally_history_request")
        others = await asyncio.wait_for(other.history.get(), 5)
    finally:
        await other.sio.disconnect()
    await widget.sio.emit("ally_history_request")
    history = await asyncio.wait_for(widget.history.get(), 5)
    assert history["session_id"] == session_id
    person, bot = history["messages"]
    assert person["sender"] == "person" and person["text"] == "hi"
    assert bot["sender"] == "bot" and bot["text"] == "How are you?"
    assert bot["buttons"] == [{"title": "7", "payload": "7"}]
    assert datetime.fromisoformat(bot["timestamp"]).tzinfo is not None
    assert [m["text"] for m in others["messages"] if m["sender"] == "person"] == [
        "someone else's words"
    ]


async def test_history_is_empty_when_rasa_is_down(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    session_id = await widget.session()
    await widget.say("hi")
    fake_rasa[0].api_status = 500
    await widget.sio.emit("ally_history_request")
    assert await asyncio.wait_for(widget.history.get(), 5) == {
        "session_id": session_id,
        "messages": [],
    }
