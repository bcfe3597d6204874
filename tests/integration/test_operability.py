"""Operability on the real stack: every process answers health, both servers serve /metrics,
and the logs of all three carry no message text."""

from __future__ import annotations

import json

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.clients import Person
from tests.integration.conftest import Stack

pytestmark = pytest.mark.slow
MARKER = "zebraquokka"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def actions_url(stack: Stack) -> str:
    return f"http://127.0.0.1:{stack.env['ALLY_ACTIONS_PORT']}"


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url) as resp:
        return resp.status, await resp.text()


async def test_every_process_answers_its_health_endpoint(stack: Stack) -> None:
    async with aiohttp.ClientSession() as http:
        assert (await get(http, f"{stack.web_url}/healthz"))[0] == 200
        assert (await get(http, f"{actions_url(stack)}/health"))[0] == 200
        status, body = await get(http, f"{stack.rasa_url}/")
        assert status == 200 and "Rasa" in body
        status, body = await get(http, f"{stack.web_url}/readyz")
        assert status == 200, body  # the real Rasa has a model loaded, the database is migrated
        assert json.loads(body)["checks"]["rasa"] == {"up": True, "replicas": [True]}


async def test_both_servers_count_a_real_turn(stack: Stack) -> None:
    person = Person()
    await person.start(stack.web_url)
    try:
        await person.say_until_quiet("hi")
    finally:
        await person.close()
    async with aiohttp.ClientSession() as http:
        status, text = await get(http, f"{stack.web_url}/metrics")
        assert status == 200
        web = samples(text)
        assert web[("ally_turns_total", (("outcome", "ok"),))] >= 1
        assert web[("ally_turn_duration_seconds_count", ())] >= 1
        assert web[("ally_queue_metrics_up", ())] == 1
        assert ("ally_spool_depth", ()) in web
        status, text = await get(http, f"{actions_url(stack)}/metrics")
        assert status == 200
    runs = {
        labels: value for (name, labels), value in samples(text).items()
        if name == "ally_action_runs_total" and value
    }  # fmt: skip
    assert runs, "Rasa called no custom action for 'hi'"
    assert all(dict(labels)["action"] != "unknown" for labels in runs)
    assert any(dict(labels)["outcome"] == "ok" for labels in runs)


async def test_logs_carry_no_message_text(stack: Stack) -> None:
    person = Person()
    await person.start(stack.web_url)
    try:
        await person.say_until_quiet(f"hello {MARKER}")
        await person.say_until_quiet(f"i want to end my life {MARKER}")
    finally:
        await person.close()
    logs = sorted((stack.var_dir / "log").glob("*.log"))
    assert {path.name for path in logs} >= {"web.log", "actions.log", "rasa.log"}
    for path in logs:
        assert MARKER not in path.read_text(errors="replace"), path.name
