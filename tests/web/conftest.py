from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
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
    """A stand-in for Rasa's REST channel that records what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.replies: list[dict[str, Any]] | None = [{"text": "hello from rasa"}]
        self.status = 200
        self.on_request: Callable[[], None] | None = None

    async def webhook(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        if self.on_request is not None:
            self.on_request()
        if self.status != 200:
            return web.Response(status=self.status)
        return web.json_response(self.replies)


@pytest.fixture
async def fake_rasa() -> AsyncIterator[tuple[FakeRasa, int]]:
    rasa = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", rasa.webhook)
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
