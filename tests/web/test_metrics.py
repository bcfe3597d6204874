"""GET /metrics on the web app: the named metrics after real turns, and who may read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.config import Settings
from bot.storage.engine import Database
from bot.web.app import create_app
from bot.web.metrics_views import METRICS
from tests.conftest import make_settings
from tests.unit.supporter.helpers import add_risk
from tests.web.conftest import FakeRasa, Widget, login

TOKEN = "metrics-token-for-this-test-0123456789"
NAMED = (
    "ally_turns",
    "ally_turn_duration_seconds",
    "ally_rasa_errors",
    "ally_rasa_empty_replies",
    "ally_escalations_open",
    "ally_escalations_claimed",
    "ally_escalation_oldest_open_seconds",
    "ally_escalation_claim_wait_seconds",
    "ally_queue_metrics_up",
    "ally_spool_depth",
)
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> tuple[set[str], Samples]:
    families, samples = set(), {}
    for family in text_string_to_metric_families(text):
        families.add(family.name)
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return families, samples


async def scrape(server: TestServer) -> tuple[set[str], Samples]:
    url = f"http://127.0.0.1:{server.port}/metrics"
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return parse(await resp.text())


def turns(samples: Samples, outcome: str) -> float:
    return samples[("ally_turns_total", (("outcome", outcome),))]


async def test_metrics_after_turns_through_the_widget(
    server: TestServer, widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    session_id = await widget.session()
    await widget.say("hello there", session_id=session_id)
    rasa.replies = []
    await widget.say("and again", session_id=session_id)
    rasa.status = 500
    await widget.say("once more", session_id=session_id)
    await widget.say("   ", session_id=session_id)
    await widget.say("x" * 5000, session_id=session_id)
    families, samples = await scrape(server)
    assert set(NAMED) <= families
    assert turns(samples, "ok") == 1
    assert turns(samples, "empty_reply") == 1
    assert turns(samples, "rasa_error") == 1
    assert turns(samples, "empty") == 1
    assert turns(samples, "too_long") == 1
    assert turns(samples, "takeover") == 0
    assert samples[("ally_turn_duration_seconds_count", ())] == 5
    assert samples[("ally_rasa_errors_total", ())] == 1
    assert samples[("ally_rasa_empty_replies_total", ())] == 1
    assert samples[("ally_spool_depth", ())] == 0
    assert samples[("ally_queue_metrics_up", ())] == 1


async def test_a_risk_message_shows_in_the_queue_gauges(
    server: TestServer, widget: Widget, fake_rasa: tuple[FakeRasa, int]
) -> None:
    session_id = await widget.session()
    await widget.say("i want to end my life", session_id=session_id)
    _, samples = await scrape(server)
    open_now = {
        labels: value for (name, labels), value in samples.items()
        if name == "ally_escalations_open" and value
    }  # fmt: skip
    assert sum(open_now.values()) == 1
    assert len(open_now) == 1
    assert turns(samples, "ok") == 1


async def test_claiming_observes_the_wait_by_severity(
    client: TestClient, database: Database
) -> None:
    csrf = await login(client)
    escalation_id = add_risk(database, "conv-1", "imminent")
    resp = await client.post(
        f"/api/escalations/{escalation_id}/claim", json={}, headers={"X-CSRF-Token": csrf}
    )
    assert resp.status == 200
    _, samples = parse(await (await client.get("/metrics")).text())
    wait = ("ally_escalation_claim_wait_seconds_count", (("severity", "imminent"),))
    assert samples[wait] == 1
    assert samples[("ally_escalations_claimed", (("severity", "imminent"),))] == 1
    assert samples[("ally_escalations_open", (("severity", "imminent"),))] == 0
    # Releasing the claim is not a second claim.
    await client.post(
        f"/api/escalations/{escalation_id}/unclaim", json={}, headers={"X-CSRF-Token": csrf}
    )
    _, samples = parse(await (await client.get("/metrics")).text())
    assert samples[wait] == 1


async def test_spool_depth_counts_waiting_escalations(
    client: TestClient, web_settings: Settings
) -> None:
    spool = web_settings.var_dir / "spool" / "escalations.jsonl"
    spool.parent.mkdir(parents=True, exist_ok=True)
    # Records the database cannot take (here: unreadable) stay in the spool and are counted.
    spool.write_text(json.dumps({"not": "a flagged message"}) + "\n" + json.dumps({"x": 1}) + "\n")
    _, samples = parse(await (await client.get("/metrics")).text())
    assert samples[("ally_spool_depth", ())] == 2


async def test_database_down_is_reported_not_a_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(connection: Any) -> None:
        raise sa.exc.OperationalError("select", {}, Exception("connection refused"))

    monkeypatch.setattr("bot.web.metrics_views.queue_groups", unreachable)
    resp = await client.get("/metrics")
    assert resp.status == 200
    _, samples = parse(await resp.text())
    assert samples[("ally_queue_metrics_up", ())] == 0


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
async def test_proxied_requests_get_not_found_without_a_token(
    client: TestClient, header: str
) -> None:
    resp = await client.get("/metrics", headers={header: "203.0.113.9"})
    assert resp.status == 404
    assert "ally_turns" not in await resp.text()


async def test_with_a_token_other_hosts_must_send_it(
    tmp_path: Path,
    database: Database,
    fake_rasa: tuple[FakeRasa, int],
    aiohttp_client: Any,
) -> None:
    settings = make_settings(
        tmp_path,
        ALLY_DATABASE_URL=str(database.engine.url),
        ALLY_RASA_PORT=str(fake_rasa[1]),
        ALLY_METRICS_TOKEN=TOKEN,
    )
    client = await aiohttp_client(create_app(settings, database=database))
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    refused = await client.get("/metrics", headers=proxied)
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    wrong = await client.get("/metrics", headers={**proxied, "Authorization": "Bearer nope"})
    assert wrong.status == 401
    right = await client.get("/metrics", headers={**proxied, "Authorization": f"Bearer {TOKEN}"})
    assert right.status == 200
    assert "ally_turns_total" in await right.text()


async def test_each_app_has_its_own_registry(
    web_settings: Settings, database: Database, aiohttp_client: Any
) -> None:
    first = await aiohttp_client(create_app(web_settings, database=database))
    second = await aiohttp_client(create_app(web_settings, database=database))
    first.app[METRICS].observe_turn("ok", 0.1)
    _, samples = parse(await (await second.get("/metrics")).text())
    assert turns(samples, "ok") == 0
