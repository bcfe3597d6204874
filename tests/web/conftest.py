from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import socketio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.storage.accounts import create_account
from bot.storage.engine import Database
from bot.web.app import create_app
from bot.web.auth import hash_password
from tests.conftest import make_settings

PASSWORD = "correct horse battery staple"


class FakeRasa:
    """A stand-in for Rasa's REST channel and tracker HTTP API that records what it was sent.

    Webhook turns are recorded in the tracker as ``user`` and ``bot`` events, as Rasa does;
    ``appended`` keeps every ``POST .../tracker/events`` body, and ``api_status`` set to an
    error makes the tracker API fail.
    """

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.replies: list[dict[str, Any]] | None = [{"text": "hello from rasa"}]
        self.status = 200
        self.on_request: Callable[[], None] | None = None
        self.trackers: dict[str, list[dict[str, Any]]] = {}
        self.appended: list[tuple[str, list[dict[str, Any]]]] = []
        self.api_status = 200
        self.tokens: list[str | None] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.on_request is not None:
            self.on_request()
        if self.status != 200:
            return web.Response(status=self.status)
        events = self.trackers.setdefault(body["sender"], [])
        now = time.time()
        events.append(
            {"event": "user", "text": body["message"], "timestamp": now,
             "metadata": body.get("metadata") or {}}
        )  # fmt: skip
        for reply in self.replies or []:
            if "text" in reply:
                data = {"buttons": reply["buttons"]} if reply.get("buttons") else {}
                events.append({"event": "bot", "text": reply["text"], "timestamp": now,
                               "data": data, "metadata": {}})  # fmt: skip
        return web.json_response(self.replies)

    async def tracker(self, request: web.Request) -> web.Response:
        self.tokens.append(request.query.get("token"))
        if self.api_status != 200:
            return web.Response(status=self.api_status)
        conversation_id = request.match_info["id"]
        return web.json_response(
            {"sender_id": conversation_id, "events": self.trackers.get(conversation_id, [])}
        )

    async def model_status(self, request: web.Request) -> web.Response:
        self.tokens.append(request.query.get("token"))
        if self.api_status != 200:
            return web.Response(status=self.api_status)
        return web.json_response({"model_file": "models/fake.tar.gz", "model_id": "fake"})

    async def append_events(self, request: web.Request) -> web.Response:
        self.tokens.append(request.query.get("token"))
        if self.api_status != 200:
            return web.Response(status=self.api_status)
        conversation_id = request.match_info["id"]
        events = await request.json()
        events = events if isinstance(events, list) else [events]
        self.appended.append((conversation_id, events))
        self.trackers.setdefault(conversation_id, []).extend(events)
        return web.json_response({"sender_id": conversation_id})


@pytest.fixture
async def fake_rasa() -> AsyncIterator[tuple[FakeRasa, int]]:
    rasa = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", rasa.webhook)
    app.router.add_get("/conversations/{id}/tracker", rasa.tracker)
    app.router.add_get("/status", rasa.model_status)
    app.router.add_post("/conversations/{id}/tracker/events", rasa.append_events)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield rasa, server.port  # type: ignore[misc]
    await server.close()


@pytest.fixture
def web_settings(tmp_path: Path, fake_rasa: tuple[FakeRasa, int]) -> Settings:
    return make_settings(tmp_path, ALLY_RASA_PORT=str(fake_rasa[1]), ALLY_RASA_TIMEOUT="2")


@pytest.fixture
async def client(
    web_settings: Settings,
    database: Database,
    aiohttp_client: Callable[..., Awaitable[TestClient]],
) -> TestClient:
    database.run_sync(
        create_account, username="sam", role="supporter", password_hash=hash_password(PASSWORD)
    )
    return await aiohttp_client(create_app(web_settings, database=database))


@pytest.fixture
def database(web_settings: Settings) -> Any:
    from bot.storage.migrate import upgrade

    upgrade(web_settings.database_url)
    db = Database.from_url(web_settings.database_url)
    yield db
    db.close()


async def login(client: TestClient) -> str:
    """Log in through the API and return the CSRF token."""
    resp = await client.post("/api/login", json={"username": "sam", "password": PASSWORD})
    assert resp.status == 200
    return str((await resp.json())["csrf_token"])


class Widget:
    """A minimal Rasa socket.io client that collects what the server sends."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.uttered: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self.uttered.put)
        self.history: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sio.on("ally_history", self.history.put)

    async def session(self, requested: str | None = None) -> str:
        await self.sio.emit("session_request", {"session_id": requested})
        return await asyncio.wait_for(self.confirmed.get(), 5)

    async def send(self, text: Any) -> None:
        await self.sio.emit("user_uttered", {"message": text})

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.uttered.get(), 5)

    async def say(self, text: Any, session_id: str | None = None) -> dict[str, Any]:
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id})
        return await asyncio.wait_for(self.uttered.get(), 5)


@pytest.fixture
async def server(web_settings: Settings, database: Database) -> AsyncIterator[TestServer]:
    test_server = TestServer(create_app(web_settings, database=database), host="127.0.0.1")
    await test_server.start_server()
    yield test_server
    await test_server.close()


@pytest.fixture
async def widget(server: TestServer) -> AsyncIterator[Widget]:
    client = Widget()
    await client.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
    yield client
    await client.sio.disconnect()


STAFF = {"sam": "supporter", "alex": "supporter", "rita": "researcher", "ada": "admin"}


@pytest.fixture
async def staff(
    server: TestServer, database: Database
) -> AsyncIterator[Callable[[str], Awaitable[tuple[TestClient, str]]]]:
    """Factory: a logged-in test client on ``server`` for one of STAFF, with its CSRF token."""
    hashed = hash_password(PASSWORD)
    for username, role in STAFF.items():
        database.run_sync(create_account, username=username, role=role, password_hash=hashed)
    clients: list[TestClient] = []

    async def log_in(username: str) -> tuple[TestClient, str]:
        client = TestClient(server)
        await client.start_server()
        clients.append(client)
        resp = await client.post("/api/login", json={"username": username, "password": PASSWORD})
        assert resp.status == 200
        return client, str((await resp.json())["csrf_token"])

    yield log_in
    for client in clients:
        await client.session.close()
