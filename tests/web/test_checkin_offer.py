"""The due check-in is offered when the widget opens, once, against a fake Rasa."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.storage.schedule import schedule_checkin
from bot.storage.tables import scheduled_checkins
from bot.supporter.takeover import start_takeover
from bot.web import keys
from bot.web.checkin_offer import (
    OFFER_ACTION,
    claim_due_checkin,
    offer_due_checkin,
    release_checkin,
)
from tests.web.conftest import FakeRasa, Widget

OFFER = {
    "recipient_id": "x",
    "text": "Welcome back. Your check-in was due on Tuesday 24 November. Shall we start?",
    "buttons": [
        {"title": "Start the check-in", "payload": "/start_checkin"},
        {"title": "Not now", "payload": "/deny"},
    ],
}


class OfferRasa(FakeRasa):
    """FakeRasa plus ``POST /conversations/{id}/execute`` and a settable active loop."""

    def __init__(self) -> None:
        super().__init__()
        self.executed: list[tuple[str, str, str | None]] = []
        self.execute_status = 200
        self.execute_messages: list[dict[str, Any]] = [OFFER]
        self.active_loop: dict[str, Any] = {}

    async def tracker(self, request: web.Request) -> web.Response:
        if self.api_status != 200:
            return web.Response(status=self.api_status)
        conversation_id = request.match_info["id"]
        return web.json_response(
            {"sender_id": conversation_id, "events": self.trackers.get(conversation_id, []),
             "active_loop": self.active_loop}
        )  # fmt: skip

    async def execute(self, request: web.Request) -> web.Response:
        body = await request.json()
        conversation_id = request.match_info["id"]
        self.executed.append((conversation_id, body["name"], request.query.get("token")))
        if self.execute_status != 200:
            return web.Response(status=self.execute_status)
        return web.json_response({"tracker": {}, "messages": self.execute_messages})


@pytest.fixture
async def fake_rasa() -> AsyncIterator[tuple[OfferRasa, int]]:
    rasa = OfferRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", rasa.webhook)
    app.router.add_get("/conversations/{id}/tracker", rasa.tracker)
    app.router.add_post("/conversations/{id}/tracker/events", rasa.append_events)
    app.router.add_post("/conversations/{id}/execute", rasa.execute)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield rasa, server.port  # type: ignore[misc]
    await server.close()


def book(database: Database, conversation_id: str, *, hours_ago: float = 2) -> int:
    return int(
        database.run_sync(
            schedule_checkin,
            conversation_id=conversation_id,
            due_at=utcnow() - timedelta(hours=hours_ago),
        )
    )


def status(database: Database, booking: int) -> str:
    def read(connection: Any) -> str:
        query = sa.select(scheduled_checkins.c.status).where(scheduled_checkins.c.id == booking)
        return str(connection.execute(query).scalar_one())

    return str(database.run_sync(read))


async def eventually(check: Callable[[], bool], deadline: float = 5.0) -> None:
    """Poll ``check`` until it holds (the offer runs after the history is sent)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not check():
        assert loop.time() < end, "condition not reached before the deadline"
        await asyncio.sleep(0.02)


async def open_widget(widget: Widget) -> dict[str, Any]:
    """Ask for the history as the widget does when it opens; return the history payload."""
    await widget.sio.emit("ally_history_request")
    return await asyncio.wait_for(widget.history.get(), 5)


async def test_a_due_check_in_is_offered_once_with_its_buttons(
    widget: Widget, fake_rasa: tuple[OfferRasa, int], database: Database
) -> None:
    rasa, _ = fake_rasa
    session_id = await widget.session()
    booking = book(database, session_id)
    await open_widget(widget)
    offer = await widget.next()
    assert offer == {
        "text": OFFER["text"],
        "quick_replies": [
            {"content_type": "text", "title": "Start the check-in", "payload": "/start_checkin"},
            {"content_type": "text", "title": "Not now", "payload": "/deny"},
        ],
    }
    assert [(c, a) for c, a, _ in rasa.executed] == [(session_id, OFFER_ACTION)]
    assert rasa.executed[0][2] is not None, "the HTTP API token is sent"
    assert status(database, booking) == "offered"
    await open_widget(widget)  # a reload: not offered again
    assert await widget.say("hi") == {"text": "hello from rasa"}
    assert len(rasa.executed) == 1


@pytest.mark.parametrize("failure", ["http500", "no_messages"])
async def test_when_rasa_fails_nothing_is_offered_and_the_booking_waits(
    widget: Widget, fake_rasa: tuple[OfferRasa, int], database: Database, failure: str
) -> None:
    rasa, _ = fake_rasa
    if failure == "http500":
        rasa.execute_status = 500
    else:
        rasa.execute_messages = []
    session_id = await widget.session()
    booking = book(database, session_id)
    history = await open_widget(widget)
    assert history["session_id"] == session_id
    await eventually(lambda: bool(rasa.executed) and status(database, booking) == "scheduled")
    assert await widget.say("hi") == {"text": "hello from rasa"}, "the widget works as before"
    if failure == "no_messages":
        await eventually(lambda: bool(rasa.appended))
        assert rasa.appended == [(session_id, [{"event": "action", "name": "action_listen"}])]
    rasa.execute_status, rasa.execute_messages = 200, [OFFER]
    await open_widget(widget)
    assert (await widget.next())["text"] == OFFER["text"], "offered once Rasa is back"
    assert status(database, booking) == "offered"


async def test_nothing_is_offered_before_the_due_time_or_when_nothing_is_booked(
    widget: Widget, fake_rasa: tuple[OfferRasa, int], database: Database
) -> None:
    rasa, _ = fake_rasa
    session_id = await widget.session()
    await open_widget(widget)
    booking = book(database, session_id, hours_ago=-3)
    await open_widget(widget)
    assert await widget.say("hi") == {"text": "hello from rasa"}
    assert rasa.executed == []
    assert status(database, booking) == "scheduled"


@pytest.mark.parametrize(
    "tracker",
    [{"active_loop": {"name": "thought_record_form"}}, {"paused": True}],
    ids=["form_running", "tracker_paused"],
)
async def test_nothing_is_offered_inside_a_form_or_while_paused(
    server: TestServer,
    fake_rasa: tuple[OfferRasa, int],
    database: Database,
    tracker: dict[str, Any],
) -> None:
    booking = book(database, "conv-busy")
    assert await offer_due_checkin(server.app, "conv-busy", tracker) == []
    assert fake_rasa[0].executed == []
    assert status(database, booking) == "scheduled"


async def test_nothing_is_offered_while_an_escalation_is_open(
    server: TestServer, widget: Widget, fake_rasa: tuple[OfferRasa, int], database: Database
) -> None:
    rasa, _ = fake_rasa
    session_id = await widget.session()
    await widget.say("i want to end it all")  # flagged: an open escalation
    booking = book(database, session_id)
    assert await offer_due_checkin(server.app, session_id, {}) == []
    assert rasa.executed == []
    assert status(database, booking) == "scheduled"


async def test_nothing_is_offered_during_a_takeover(
    server: TestServer, fake_rasa: tuple[OfferRasa, int], database: Database
) -> None:
    booking = book(database, "conv-taken")
    database.run_sync(start_takeover, conversation_id="conv-taken", supporter="sam")
    assert await offer_due_checkin(server.app, "conv-taken", {}) == []
    assert fake_rasa[0].executed == []
    assert status(database, booking) == "scheduled"


async def test_an_unexpected_client_error_means_no_offer(
    server: TestServer, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For example a Rasa pool that does not forward ``execute_action``: no offer, no error."""

    async def missing(*_: Any) -> Any:
        raise AttributeError("execute_action")

    booking = book(database, "conv-pool")
    monkeypatch.setattr(server.app[keys.RASA], "execute_action", missing)
    assert await offer_due_checkin(server.app, "conv-pool", {}) == []
    assert status(database, booking) == "scheduled"


def test_a_booking_is_claimed_once_and_can_be_released(database: Database) -> None:
    booking = book(database, "conv-1")
    now = utcnow()
    first = database.run_sync(claim_due_checkin, conversation_id="conv-1", now=now)
    assert first is not None and first.id == booking
    assert database.run_sync(claim_due_checkin, conversation_id="conv-1", now=now) is None
    database.run_sync(release_checkin, checkin_id=booking)
    assert status(database, booking) == "scheduled"
    assert database.run_sync(claim_due_checkin, conversation_id="conv-1", now=now) is not None
