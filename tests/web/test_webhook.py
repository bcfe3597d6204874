import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.storage.engine import Database
from bot.storage.escalations import list_escalations
from bot.supporter import outbox
from bot.supporter.webhook import WebhookSender
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.unit.supporter.helpers import add_risk

DEADLINE = 15.0


class FakeHook:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_first = 0
        self.delay = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=503)
        self.received.append(body)
        return web.Response(status=204)


@pytest.fixture
async def hook() -> AsyncIterator[tuple[FakeHook, str]]:
    fake = FakeHook()
    app = web.Application()
    app.router.add_post("/hook", fake.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield fake, str(server.make_url("/hook"))
    await server.close()


async def _until(predicate: Callable[[], Awaitable[bool]]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not await predicate():
        assert time.monotonic() < deadline, "condition not met before the deadline"
        await asyncio.sleep(0.02)


async def test_retries_with_backoff_until_delivered(
    hook: tuple[FakeHook, str], database: Database
) -> None:
    fake, url = hook
    fake.fail_first = 2
    escalation_id = add_risk(database, "conv-1", "high", excerpt="private words")
    async with aiohttp.ClientSession() as session:
        sender = WebhookSender(
            database, session, url, target_seconds=300, base_delay=0.05, max_delay=0.2
        )

        async def delivered() -> bool:
            await sender.run_once()
            items = await database.run(outbox.list_items)
            return bool(items) and items[0].status == "sent"

        await _until(delivered)
    (item,) = await database.run(outbox.list_items)
    assert item.attempts == 3 and item.last_error == "HTTP 503"
    (body,) = fake.received
    assert body["event"] == "escalation.new"
    assert body["escalation"]["id"] == escalation_id
    assert "private words" not in str(body) and "conv-1" not in str(body)


async def test_a_dead_webhook_gives_up_and_loses_no_escalation(
    hook: tuple[FakeHook, str], database: Database
) -> None:
    fake, url = hook
    fake.delay = 1.0  # longer than the sender's timeout
    add_risk(database, "conv-1", "high")
    async with aiohttp.ClientSession() as session:
        sender = WebhookSender(
            database,
            session,
            url,
            target_seconds=300,
            timeout=0.1,
            max_attempts=3,
            base_delay=0.01,
            max_delay=0.02,
        )

        async def failed() -> bool:
            await sender.run_once()
            items = await database.run(outbox.list_items)
            return bool(items) and items[0].status == "failed"

        await _until(failed)
    (item,) = await database.run(outbox.list_items)
    assert (item.attempts, item.last_error) == (3, "timeout")
    assert [e.status for e in await database.run(list_escalations)] == ["open"]


async def test_unreachable_webhook_is_recorded(database: Database) -> None:
    add_risk(database, "conv-1", "high")
    async with aiohttp.ClientSession() as session:
        sender = WebhookSender(
            database, session, "http://127.0.0.1:9/hook", target_seconds=300, base_delay=10
        )
        assert await sender.run_once() == 1
    (item,) = await database.run(outbox.list_items)
    assert item.status == "pending" and item.attempts == 1
    assert item.last_error and "127.0.0.1" not in item.last_error


async def test_the_app_posts_new_escalations_when_configured(
    hook: tuple[FakeHook, str],
    tmp_path: Path,
    aiohttp_client: Callable[..., Awaitable[TestClient]],
) -> None:
    from bot.storage.migrate import upgrade

    fake, url = hook
    settings = make_settings(tmp_path, ALLY_WEBHOOK_URL=url)
    upgrade(settings.database_url)
    database = Database.from_url(settings.database_url)
    client = await aiohttp_client(create_app(settings, database=database))
    try:
        escalation_id = add_risk(database, "conv-1", "imminent")

        async def arrived() -> bool:
            return any(b["escalation"]["id"] == escalation_id for b in fake.received)

        await _until(arrived)
    finally:
        await client.close()  # stop the app's tasks before the database goes
        database.close()
