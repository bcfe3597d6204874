"""Idempotent turns: a re-sent message is acknowledged and answered, never processed twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.risk.resources import crisis_text
from bot.storage.engine import Database
from bot.storage.escalations import count_flagged_messages
from bot.web.app import create_app
from bot.web.resends import (
    TurnLedger,
    client_message_id,
    replies_after,
    turn_message_id,
)
from tests.web.conftest import FakeRasa, Widget

CLIENT_ID = "c0ffee00-0000-4000-8000-000000000001"


async def connect(server: TestServer) -> Widget:
    person = Widget()
    await person.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
    return person


async def restarted(settings: Settings, database: Database) -> TestServer:
    """A second web app on the same database and Rasa: the first one "crashed"."""
    server = TestServer(create_app(settings, database=database), host="127.0.0.1")
    await server.start_server()
    return server


@pytest.fixture
async def second_server(web_settings: Settings, database: Database) -> AsyncIterator[TestServer]:
    server = await restarted(web_settings, database)
    yield server
    await server.close()


async def drain(person: Widget, quiet: float = 0.3) -> list[dict[str, Any]]:
    replies = []
    while True:
        try:
            replies.append(await asyncio.wait_for(person.uttered.get(), quiet))
        except asyncio.TimeoutError:
            return replies


def utter(text: str, client_id: str = CLIENT_ID, **extra: Any) -> dict[str, Any]:
    return {"message": text, "message_id": client_id, **extra}


async def test_a_message_with_a_client_id_is_acknowledged_with_it(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    session_id = await widget.session()
    ack = await widget.sio.call("user_uttered", utter("hi"), timeout=5)
    assert ack == {"message_id": CLIENT_ID}
    assert await widget.next() == {"text": "hello from rasa"}
    assert rasa.received[-1]["metadata"]["message_id"] == turn_message_id(session_id, CLIENT_ID)


async def test_a_message_without_a_client_id_still_works_and_gets_no_id_back(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    await widget.session()
    assert await widget.sio.call("user_uttered", {"message": "hi"}, timeout=5) is None
    assert await widget.next() == {"text": "hello from rasa"}
    assert len(rasa.received) == 1


async def test_a_duplicate_in_flight_runs_once_and_both_are_answered(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    await widget.session()
    acks = await asyncio.gather(
        widget.sio.call("user_uttered", utter("hi"), timeout=5),
        widget.sio.call("user_uttered", utter("hi", resent=True), timeout=5),
    )
    assert acks == [{"message_id": CLIENT_ID}] * 2
    assert len(rasa.received) == 1
    assert await drain(widget) == [{"text": "hello from rasa"}] * 2


async def test_a_resend_after_a_restart_is_answered_from_the_tracker_not_rerun(
    server: TestServer, second_server: TestServer, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    rasa.replies = [{"text": "How are you?", "buttons": [{"title": "7", "payload": "7"}]}]
    first = await connect(server)
    session_id = await first.session()
    await first.sio.call("user_uttered", utter("hi"), timeout=5)
    await first.sio.disconnect()  # the ack and replies "never arrived": the widget re-sends
    again = await connect(second_server)
    try:
        assert await again.session(session_id) == session_id
        ack = await again.sio.call("user_uttered", utter("hi", resent=True), timeout=5)
        assert ack == {"message_id": CLIENT_ID}
        assert await drain(again) == [
            {
                "text": "How are you?",
                "quick_replies": [{"content_type": "text", "title": "7", "payload": "7"}],
            }
        ]
    finally:
        await again.sio.disconnect()
    assert len(rasa.received) == 1
    assert [e["event"] for e in rasa.trackers[session_id]] == ["user", "bot"]


async def test_a_resend_rasa_never_got_is_sent_to_rasa(
    server: TestServer, second_server: TestServer, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    first = await connect(server)
    session_id = await first.session()
    await first.sio.disconnect()
    again = await connect(second_server)
    try:
        await again.session(session_id)
        await again.sio.call("user_uttered", utter("hi", resent=True), timeout=5)
        assert await drain(again) == [{"text": "hello from rasa"}]
    finally:
        await again.sio.disconnect()
    assert len(rasa.received) == 1


async def test_a_resend_when_the_tracker_cannot_be_read_is_sent_rather_than_dropped(
    widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    rasa.api_status = 500
    await widget.session()
    await widget.sio.call("user_uttered", utter("hi", resent=True), timeout=5)
    assert await widget.next() == {"text": "hello from rasa"}
    assert len(rasa.received) == 1


async def test_a_resent_risk_message_gets_the_crisis_text_and_one_escalation(
    server: TestServer,
    second_server: TestServer,
    fake_rasa: tuple[FakeRasa, int],
    database: Database,
    web_settings: Settings,
) -> None:
    rasa, _ = fake_rasa
    rasa.replies = []  # Rasa "failed" to answer: the web app sends the crisis text itself
    crisis = crisis_text(web_settings.locale)
    first = await connect(server)
    session_id = await first.session()
    await first.sio.call("user_uttered", utter("i want to kill myself"), timeout=5)
    assert [r["text"] for r in await drain(first)] == [crisis]
    await first.sio.disconnect()
    again = await connect(second_server)
    try:
        await again.session(session_id)
        await again.sio.call("user_uttered", utter("i want to kill myself", resent=True), timeout=5)
        replies = [r["text"] for r in await drain(again)]
    finally:
        await again.sio.disconnect()
    assert replies == [crisis], "no 'something went wrong' after the crisis text either"
    assert len(rasa.received) == 1
    assert database.run_sync(count_flagged_messages, conversation_id=session_id) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"message": "x", "message_id": "short"},
        {"message": "x", "message_id": "a" * 65},
        {"message": "x", "message_id": "has spaces in it"},
        {"message": "x", "message_id": 12345678},
        {"message": "x"},
        "not a dict",
    ],
)
def test_malformed_client_ids_are_ignored(payload: Any) -> None:
    assert client_message_id(payload) is None


def test_message_ids_depend_on_the_conversation() -> None:
    one = turn_message_id("conversation-a", CLIENT_ID)
    assert one == turn_message_id("conversation-a", CLIENT_ID)
    assert one != turn_message_id("conversation-b", CLIENT_ID)
    assert len(one) == 32


def test_replies_after_takes_the_bot_events_up_to_the_next_user_message() -> None:
    tracker = {
        "events": [
            {"event": "user", "text": "a", "metadata": {"message_id": "m1"}},
            {"event": "bot", "text": "one", "data": {}},
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": "b", "metadata": {"message_id": "m2"}},
            {"event": "bot", "text": "two", "data": {"buttons": [{"title": "t", "payload": "p"}]}},
            {"event": "bot", "text": None, "data": {"custom": {"ally_event": "x"}}},
            {"event": "user", "text": "c", "metadata": {"ally_message_id": "m3"}},
        ]
    }
    assert replies_after(tracker, "m1") == [{"text": "one"}]
    assert replies_after(tracker, "m2") == [
        {"text": "two", "buttons": [{"title": "t", "payload": "p"}]},
        {"text": None, "custom": {"ally_event": "x"}},
    ]
    assert replies_after(tracker, "m3") == []
    assert replies_after(tracker, "unknown") is None
    assert replies_after({}, "m1") is None


async def test_the_ledger_forgets_the_oldest_and_never_caches_failures() -> None:
    ledger: TurnLedger[int] = TurnLedger(size=2)
    runs: list[str] = []

    async def run(key: str) -> int:
        runs.append(key)
        return len(runs)

    assert await ledger.once("c", "a", lambda: run("a")) == (1, True)
    assert await ledger.once("c", "a", lambda: run("a")) == (1, False)
    assert await ledger.once("other", "a", lambda: run("a")) == (2, True)
    await ledger.once("c", "b", lambda: run("b"))
    assert await ledger.once("c", "a", lambda: run("a")) == (4, True), "evicted, so run again"

    async def fail() -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await ledger.once("c", "d", fail)
    assert await ledger.once("c", "d", lambda: run("d")) == (5, True)


async def test_the_ledger_forgets_a_deleted_conversation() -> None:
    ledger: TurnLedger[str] = TurnLedger()

    async def reply() -> str:
        return "your goal: phone my sister"

    await ledger.once("gone", "m1", reply)
    await ledger.once("kept", "m1", reply)
    ledger.forget("gone")
    assert await ledger.once("gone", "m1", reply) == ("your goal: phone my sister", True)
    assert await ledger.once("kept", "m1", reply) == ("your goal: phone my sister", False)
