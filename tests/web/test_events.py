import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from bot.config import Settings
from bot.storage.engine import Database
from bot.web import keys
from bot.web.app import create_app
from tests.unit.supporter.helpers import add_risk, ensure_account, session_as
from tests.web.conftest import login

DEADLINE = 10.0


@pytest.fixture
async def live_client(
    web_settings: Settings,
    database: Database,
    aiohttp_client: Callable[..., Awaitable[TestClient]],
) -> TestClient:
    ensure_account(database, "sam", "supporter")
    app = create_app(web_settings, database=database)
    app[keys.SSE_HEARTBEAT] = 0.2
    return await aiohttp_client(app)


async def next_frame(resp: ClientResponse) -> str:
    raw = await asyncio.wait_for(resp.content.readuntil(b"\n\n"), DEADLINE)
    return raw.decode().strip()


async def next_event(
    resp: ClientResponse, wanted: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    while True:
        frame = await next_frame(resp)
        if frame.startswith("data: "):
            event = json.loads(frame[len("data: ") :])
            if wanted(event):
                return event


async def test_stream_sends_snapshot_headers_and_heartbeats(
    live_client: TestClient, database: Database
) -> None:
    add_risk(database, "conv-1", "high")
    await login(live_client)
    resp = await live_client.get("/supporter/events")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert await next_frame(resp) == "retry: 2000"
    snapshot = json.loads((await next_frame(resp))[len("data: ") :])
    assert snapshot["type"] == "snapshot"
    assert [e["conversation_id"] for e in snapshot["escalations"]] == ["conv-1"]
    # The watcher may republish the just-written row first; a heartbeat follows when idle.
    frames = [await next_frame(resp) for _ in range(3)]
    assert ": heartbeat" in frames
    resp.close()


async def test_claims_are_published_at_once(live_client: TestClient, database: Database) -> None:
    escalation_id = add_risk(database, "conv-1", "high")
    csrf = await login(live_client)
    other, _ = await session_as(live_client, database, "alex", "supporter")
    try:
        stream = await other.get("/supporter/events")
        await next_event(stream, lambda e: e["type"] == "snapshot")
        claimed = await live_client.post(
            f"/api/escalations/{escalation_id}/claim", headers={"X-CSRF-Token": csrf}
        )
        assert claimed.status == 200
        event = await next_event(
            stream,
            lambda e: e["type"] == "escalation" and e["escalation"]["status"] == "claimed",
        )
        assert event["escalation"]["id"] == escalation_id
        assert event["escalation"]["claimed_by"] == "sam"
        stream.close()
    finally:
        await other.close()


async def test_escalations_written_by_another_process_reach_every_supporter(
    live_client: TestClient, database: Database
) -> None:
    await login(live_client)
    other, _ = await session_as(live_client, database, "alex", "supporter")
    try:
        streams = [await live_client.get("/supporter/events"), await other.get("/supporter/events")]
        for stream in streams:
            await next_event(stream, lambda e: e["type"] == "snapshot")
        started = time.monotonic()
        # Written straight to the database, as the action server or the spool replay would.
        escalation_id = await asyncio.get_running_loop().run_in_executor(
            None, lambda: add_risk(database, "from-actions", "imminent")
        )
        for stream in streams:
            event = await next_event(
                stream,
                lambda e: e["type"] == "escalation" and e["escalation"]["id"] == escalation_id,
            )
            assert event["escalation"]["severity"] == "imminent"
            assert event["escalation"]["status"] == "open"
        print(f"\nnew escalation reached 2 supporters in {time.monotonic() - started:.3f} s")
        for stream in streams:
            stream.close()
    finally:
        await other.close()


async def test_stream_refuses_other_origins_and_anonymous(live_client: TestClient) -> None:
    anonymous = await live_client.get("/supporter/events", allow_redirects=False)
    assert anonymous.status == 302
    await login(live_client)
    evil = await live_client.get("/supporter/events", headers={"Origin": "https://evil.example"})
    assert evil.status == 403
    assert "Content-Security-Policy" in evil.headers


async def test_conversation_events_only_reach_a_stream_that_asked(
    live_client: TestClient,
) -> None:
    await login(live_client)
    plain = await live_client.get("/supporter/events")
    focused = await live_client.get("/supporter/events?conversation=conv-9")
    for stream in (plain, focused):
        await next_event(stream, lambda e: e["type"] == "snapshot")
    hub = live_client.app[keys.LIVE]
    hub.publish({"type": "conversation_message", "conversation_id": "conv-9", "message": {}})
    hub.publish({"type": "conversation_message", "conversation_id": "other", "message": {}})
    hub.publish({"type": "escalation", "escalation": {"id": 1, "status": "open"}})
    got = await next_event(focused, lambda e: True)
    assert got["conversation_id"] == "conv-9"
    assert (await next_event(focused, lambda e: True))["type"] == "escalation"
    # The plain stream skips both conversation events and sees the escalation first.
    assert (await next_event(plain, lambda e: True))["type"] == "escalation"
    plain.close()
    focused.close()


async def test_watcher_publishes_each_version_once(database: Database) -> None:
    from bot.supporter import claims
    from bot.supporter.watcher import EscalationWatcher

    published: list[dict[str, Any]] = []
    watcher = EscalationWatcher(database, published.append, target_seconds=300)
    escalation_id = add_risk(database, "conv-1", "high")
    assert [e.id for e in await watcher.poll_once()] == [escalation_id]
    assert await watcher.poll_once() == []
    database.run_sync(
        claims.claim, escalation_id=escalation_id, actor=claims.Actor("sam", "supporter")
    )
    assert [e.status for e in await watcher.poll_once()] == ["claimed"]
    assert await watcher.poll_once() == []
    assert [p["escalation"]["status"] for p in published] == ["open", "claimed"]
    assert all(p["type"] == "escalation" for p in published)
