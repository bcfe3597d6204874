"""GET /readyz: the database and Rasa checked at the time of the request, 200 or 503."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.config import Settings
from bot.storage.engine import Database
from bot.web.app import create_app
from tests.web.conftest import FakeRasa


async def ready(client: TestClient, **headers: str) -> tuple[int, dict[str, Any]]:
    resp = await client.get("/readyz", headers=headers)
    return resp.status, await resp.json()


async def test_ready_when_the_database_and_rasa_answer(
    client: TestClient, fake_rasa: tuple[FakeRasa, int]
) -> None:
    status, body = await ready(client)
    assert status == 200
    assert body == {
        "status": "ready",
        "checks": {
            "database": {"up": True},
            "rasa": {"up": True, "replicas": [True]},
            "spool": {"depth": 0},
        },
    }
    assert fake_rasa[0].tokens[-1], "Rasa's status is asked with its token"


async def test_degraded_when_rasa_fails(
    client: TestClient, fake_rasa: tuple[FakeRasa, int]
) -> None:
    fake_rasa[0].api_status = 500
    status, body = await ready(client)
    assert status == 503
    assert body["status"] == "degraded"
    assert body["checks"]["rasa"] == {"up": False, "replicas": [False]}
    assert body["checks"]["database"] == {"up": True}


async def test_degraded_when_the_database_has_no_tables(
    web_settings: Settings, tmp_path: Path, aiohttp_client: Any
) -> None:
    # A real database that was never migrated: every turn's queries would fail.
    broken = Database.from_url(f"sqlite:///{tmp_path / 'empty.db'}")
    client = await aiohttp_client(create_app(web_settings, database=broken))
    status, body = await ready(client)
    assert status == 503
    assert body["checks"]["database"] == {"up": False}
    assert body["checks"]["rasa"]["up"] is True


def write_backends(settings: Settings, servers: dict[str, Any], *, watching: bool) -> None:
    report = settings.var_dir / "scale" / "backends.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({"watching": watching, "servers": servers}))


async def test_scale_out_backends_come_from_the_watchdog_file(
    client: TestClient, web_settings: Settings
) -> None:
    servers = {"postgres": {"state": "up", "restarts": 1}, "redis": {"state": "up"}}
    write_backends(web_settings, servers, watching=True)
    status, body = await ready(client)
    assert status == 200
    assert body["checks"]["backends"] == servers


@pytest.mark.parametrize("state", ["down", "unresponsive"])
async def test_degraded_while_the_watchdog_reports_a_backend_not_up(
    client: TestClient, web_settings: Settings, state: str
) -> None:
    servers = {"postgres": {"state": "up"}, "redis": {"state": state}}
    write_backends(web_settings, servers, watching=True)
    status, body = await ready(client)
    assert (status, body["status"]) == (503, "degraded")
    assert body["checks"]["backends"] == servers
    assert body["checks"]["database"] == {"up": True} and body["checks"]["rasa"]["up"] is True


async def test_a_stopped_watchdogs_last_states_do_not_count(
    client: TestClient, web_settings: Settings
) -> None:
    # Its file describes the moment the scale-out stack stopped, not the servers now.
    servers = {"postgres": {"state": "unresponsive"}, "redis": {"state": "up"}}
    write_backends(web_settings, servers, watching=False)
    status, body = await ready(client)
    assert status == 200
    assert body["checks"]["backends"] == servers


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP"])
async def test_proxied_callers_without_the_metrics_token_get_not_found(
    client: TestClient, header: str
) -> None:
    resp = await client.get("/readyz", headers={header: "203.0.113.9"})
    assert resp.status == 404
