"""The web app's router over several Rasa replicas, against fake Rasa servers on loopback."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.errors import RasaUnavailableError
from bot.ports import free_port
from bot.storage.engine import Database
from bot.storage.migrate import upgrade
from bot.web import keys
from bot.web.app import create_app
from bot.web.rasa_client import RasaClient
from bot.web.rasa_pool import RasaPool, rank
from tests.conftest import make_settings
from tests.web.conftest import FakeRasa, Widget


class Replica:
    """A fake Rasa server that can be stopped and started again on the same port."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rasa = FakeRasa()
        self.rasa.replies = [{"text": f"from {name}"}]
        self.port = free_port()
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.rasa.webhook)
        app.router.add_get("/conversations/{id}/tracker", self.rasa.tracker)
        app.router.add_get("/status", self.rasa.model_status)
        app.router.add_post("/conversations/{id}/tracker/events", self.rasa.append_events)
        self.server = TestServer(app, host="127.0.0.1", port=self.port)
        await self.server.start_server()

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.close()
            self.server = None

    @property
    def senders(self) -> list[str]:
        return [body["sender"] for body in self.rasa.received]


@pytest.fixture
async def replicas() -> AsyncIterator[list[Replica]]:
    started = [Replica(name) for name in ("one", "two", "three")]
    for replica in started:
        await replica.start()
    yield started
    for replica in started:
        await replica.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def make_pool() -> AsyncIterator[Callable[..., RasaPool]]:
    session = aiohttp.ClientSession()

    def make(replicas: list[Replica], clock: Callable[[], float] | None = None) -> RasaPool:
        urls = [r.url for r in replicas]
        return RasaPool(session, urls, 2.0, token="t", clock=clock or Clock())

    yield make
    await session.close()


def owner(conversation_id: str, replicas: list[Replica]) -> Replica:
    return replicas[rank(conversation_id, [r.url for r in replicas])[0]]


def test_rank_is_a_stable_permutation() -> None:
    urls = ["http://127.0.0.1:5005", "http://127.0.0.1:5006", "http://127.0.0.1:5007"]
    for conversation in ("a", "b", "conversation-42"):
        order = rank(conversation, urls)
        assert sorted(order) == [0, 1, 2]
        assert rank(conversation, urls) == order
    # Fixed by the hash function, not by the process: another web app routes the same way.
    assert rank("conversation-42", urls) == rank("conversation-42", list(urls))


def test_rank_spreads_conversations_over_replicas() -> None:
    urls = ["http://127.0.0.1:5005", "http://127.0.0.1:5006", "http://127.0.0.1:5007"]
    firsts = [rank(f"conversation-{i}", urls)[0] for i in range(600)]
    for index in range(3):
        assert 120 < firsts.count(index) < 280


def test_removing_a_replica_moves_only_its_conversations() -> None:
    urls = ["http://127.0.0.1:5005", "http://127.0.0.1:5006", "http://127.0.0.1:5007"]
    kept = urls[:2]
    moved = 0
    for i in range(300):
        conversation = f"conversation-{i}"
        before = urls[rank(conversation, urls)[0]]
        after = kept[rank(conversation, kept)[0]]
        if before in kept:
            assert after == before
        else:
            moved += 1
            # It goes where its own ranking pointed next, not always to the same replica.
            assert after == urls[rank(conversation, urls)[1]]
    assert moved > 0


async def test_a_conversation_stays_on_its_replica(
    replicas: list[Replica], make_pool: Callable[..., RasaPool]
) -> None:
    pool = make_pool(replicas)
    conversations = [f"conversation-{i}" for i in range(12)]
    for _ in range(3):
        for conversation in conversations:
            replies = await pool.send(conversation, "hi", {"message_id": "m"})
            assert replies == [{"text": f"from {owner(conversation, replicas).name}"}]
    for replica in replicas:
        assert set(replica.senders) == {c for c in conversations if owner(c, replicas) is replica}
        assert len(replica.senders) == 3 * len(set(replica.senders))


async def test_a_refused_connection_fails_over_to_the_next_replica(
    replicas: list[Replica], make_pool: Callable[..., RasaPool]
) -> None:
    clock = Clock()
    pool = make_pool(replicas, clock)
    conversation = "conversation-7"
    first, second = (replicas[i] for i in rank(conversation, [r.url for r in replicas])[:2])
    await first.stop()

    replies = await pool.send(conversation, "hi", {"message_id": "m1"})

    assert replies == [{"text": f"from {second.name}"}]
    assert second.senders == [conversation]
    # The refusing replica goes to the back of every conversation's order for a while.
    assert pool.order(conversation)[-1] == replicas.index(first)
    await first.start()
    await pool.send(conversation, "again", {"message_id": "m2"})
    assert first.senders == [] and second.senders == [conversation, conversation]
    # Once the pause is over, the conversation goes home.
    clock.now += 60
    await pool.send(conversation, "home", {"message_id": "m3"})
    assert first.senders == [conversation]


async def test_a_failed_turn_is_not_sent_twice(
    replicas: list[Replica], make_pool: Callable[..., RasaPool]
) -> None:
    pool = make_pool(replicas)
    conversation = "conversation-3"
    home = owner(conversation, replicas)
    home.rasa.status = 500  # it got the message and may have processed part of it

    with pytest.raises(RasaUnavailableError):
        await pool.send(conversation, "hi", {"message_id": "m"})

    assert home.senders == [conversation]
    assert [r.senders for r in replicas if r is not home] == [[], []]


async def test_reading_a_tracker_fails_over_on_any_error(
    replicas: list[Replica], make_pool: Callable[..., RasaPool]
) -> None:
    pool = make_pool(replicas)
    conversation = "conversation-5"
    order = rank(conversation, [r.url for r in replicas])
    replicas[order[0]].rasa.api_status = 503
    replicas[order[1]].rasa.trackers[conversation] = [{"event": "user", "text": "hi"}]

    tracker = await pool.tracker(conversation)

    assert tracker["events"] == [{"event": "user", "text": "hi"}]
    assert replicas[order[1]].rasa.tokens == ["t"]


async def test_appending_events_fails_over_only_when_refused(
    replicas: list[Replica], make_pool: Callable[..., RasaPool]
) -> None:
    pool = make_pool(replicas)
    conversation = "conversation-9"
    order = rank(conversation, [r.url for r in replicas])
    await replicas[order[0]].stop()
    await pool.append_events(conversation, [{"event": "pause"}])
    assert replicas[order[1]].rasa.appended == [(conversation, [{"event": "pause"}])]

    replicas[order[1]].rasa.api_status = 500
    with pytest.raises(RasaUnavailableError):
        await pool.append_events(conversation, [{"event": "resume"}])
    assert replicas[order[2]].rasa.appended == []


class Hangup:
    """A server that reads a request and closes the connection without an answer."""

    def __init__(self, *, stop_listening: bool) -> None:
        self.port = free_port()
        self.stop_listening = stop_listening
        self.requests = 0
        self.server: asyncio.AbstractServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not await reader.read(1024):  # a bare connection: the pool's liveness probe
            writer.close()
            return
        self.requests += 1
        if self.stop_listening and self.server is not None:  # the process "died"
            self.server.close()
        writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


@pytest.mark.parametrize("dead", [True, False])
async def test_a_broken_connection_fails_over_only_when_the_replica_is_gone(
    replicas: list[Replica], dead: bool
) -> None:
    hangup = Hangup(stop_listening=dead)
    await hangup.start()
    backup = replicas[0]
    urls = [hangup.url, backup.url]
    conversation = next(f"c-{i}" for i in range(100) if rank(f"c-{i}", urls)[0] == 0)
    async with aiohttp.ClientSession() as session:
        pool = RasaPool(session, urls, 2.0)
        try:
            if dead:
                replies = await pool.send(conversation, "hi", {"message_id": "m"})
                assert replies == [{"text": "from one"}]
                assert backup.senders == [conversation]
            else:  # still up: it may have processed the message; never send it twice
                with pytest.raises(RasaUnavailableError):
                    await pool.send(conversation, "hi", {"message_id": "m"})
                assert backup.senders == []
        finally:
            await hangup.stop()
    assert hangup.requests == 1


async def test_every_replica_down_is_one_error(
    replicas: list[Replica], make_pool: Callable[..., RasaPool]
) -> None:
    pool = make_pool(replicas)
    for replica in replicas:
        await replica.stop()
    with pytest.raises(RasaUnavailableError, match="no Rasa replica answered"):
        await pool.send("conversation-1", "hi", {"message_id": "m"})


async def test_execute_action_is_routed_like_a_message(
    replicas: list[Replica],
    make_pool: Callable[..., RasaPool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, str, str]] = []

    async def execute_action(
        self: RasaClient, conversation_id: str, action: str
    ) -> list[dict[str, Any]]:
        calls.append((self._base_url, conversation_id, action))
        return [{"text": "offer"}]

    monkeypatch.setattr(RasaClient, "execute_action", execute_action)
    pool = make_pool(replicas)
    conversation = "conversation-11"

    result = await pool.execute_action(conversation, "action_offer_checkin")

    assert result == [{"text": "offer"}]
    assert calls == [(owner(conversation, replicas).url, conversation, "action_offer_checkin")]


async def test_statuses_checks_every_replica(
    replicas: list[Replica], make_pool: Callable[..., RasaPool]
) -> None:
    pool = make_pool(replicas)
    await replicas[1].stop()
    replicas[2].rasa.api_status = 503
    statuses = await pool.statuses(1.0)
    assert statuses == [
        {"url": replicas[0].url, "up": True},
        {"url": replicas[1].url, "up": False},
        {"url": replicas[2].url, "up": False},
    ]


def test_the_pool_has_every_method_of_the_client() -> None:
    public = {
        name
        for name, member in inspect.getmembers(RasaClient, inspect.iscoroutinefunction)
        if not name.startswith("_")
    }
    assert public
    for name in public:
        assert inspect.iscoroutinefunction(getattr(RasaPool, name, None)), name
        client_args = list(inspect.signature(getattr(RasaClient, name)).parameters)
        assert list(inspect.signature(getattr(RasaPool, name)).parameters) == client_args


async def test_the_web_app_routes_and_survives_a_dead_replica(
    replicas: list[Replica], tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path,
        ALLY_RASA_URLS=",".join(r.url for r in replicas[:2]),
        ALLY_RASA_TIMEOUT="2",
    )
    upgrade(settings.database_url)
    database = Database.from_url(settings.database_url)
    app = create_app(settings, database=database)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    widget = Widget()
    try:
        assert isinstance(app[keys.RASA], RasaPool)
        await widget.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        conversation = await widget.session()
        home = owner(conversation, replicas[:2])
        other = replicas[1] if home is replicas[0] else replicas[0]

        assert (await widget.say("hello"))["text"] == f"from {home.name}"
        await home.stop()
        assert (await widget.say("still there?"))["text"] == f"from {other.name}"
        assert other.senders == [conversation]
    finally:
        await widget.sio.disconnect()
        await server.close()
        database.close()
        await asyncio.sleep(0)


class DyingReplica(Replica):
    """Stores the turn in the shared tracker store, then dies before it answers."""

    def __init__(self, name: str, shared: list[Replica]) -> None:
        super().__init__(name)
        self.shared = shared

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.die_mid_turn)
        self.server = TestServer(app, host="127.0.0.1", port=self.port)
        await self.server.start_server()

    async def die_mid_turn(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.rasa.received.append(body)
        events = [
            {"event": "user", "text": body["message"], "metadata": body["metadata"]},
            {"event": "bot", "text": f"stored by {self.name}", "data": {}},
        ]
        for replica in self.shared:  # one tracker store behind every replica
            replica.rasa.trackers[body["sender"]] = events
        assert request.transport is not None
        request.transport.close()  # the process dies: the connection breaks off
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.stop()))
        return web.Response()


async def test_a_turn_stored_by_a_dying_replica_is_answered_from_the_tracker(
    make_pool: Callable[..., RasaPool],
) -> None:
    survivors = [Replica("one"), Replica("two")]
    dying = DyingReplica("dying", survivors)
    everyone = [dying, *survivors]
    for replica in everyone:
        await replica.start()
    try:
        # Put the dying replica first in this conversation's order by trying ids.
        urls = [r.url for r in everyone]
        conversation = next(
            c for c in (f"conversation-{i}" for i in range(200)) if rank(c, urls)[0] == 0
        )
        pool = make_pool(everyone)

        replies = await pool.send(conversation, "hi", {"message_id": "m-1"})

        assert replies == [{"text": "stored by dying"}]
        assert dying.senders == [conversation]
        assert [r.senders for r in survivors] == [[], []], "the message was not sent again"
    finally:
        for replica in everyone:
            await replica.stop()
