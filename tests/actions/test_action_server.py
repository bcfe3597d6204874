"""The action server entry point (``python -m actions``): rasa-sdk's endpoints plus /metrics.

Starts the real server as a subprocess on a free port, in production mode at DEBUG, so the
log checks cover the strictest settings: JSON lines only, and no message text.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from actions.server import requested_action

PROJECT_DIR = Path(__file__).resolve().parents[2]
MARKER = "zebraquokka"
STARTUP_SECONDS = 60.0
PRODUCTION = {
    "ALLY_ENV": "production",
    "ALLY_RASA_TOKEN": "a-real-token-for-this-test-1234567890",
    "ALLY_SESSION_SECRET": "a-real-session-secret-for-this-test-1234567890",
    "ALLY_PSEUDONYM_SALT": "a-real-pseudonym-salt-for-this-test-1234567890",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    log: Path
    process: subprocess.Popen[bytes]


def request(url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json",
                                                          **(headers or {})})  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("actions")
    port = free_port()
    env = dict(
        os.environ,
        **PRODUCTION,
        ALLY_LOG_LEVEL="DEBUG",
        ALLY_VAR_DIR=str(var_dir),
        ALLY_DATABASE_URL=f"sqlite:///{var_dir / 'ally.db'}",
        ALLY_ACTIONS_PORT=str(port),
        SANIC_HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    log = var_dir / "actions.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "actions"], cwd=PROJECT_DIR, env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if request(f"{url}/health")[0] == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, f"not healthy in time:\n{log.read_text()}"
        time.sleep(0.2)
    yield Server(url, log, process)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def skip_question_call() -> dict[str, Any]:
    return {
        "next_action": "action_skip_question",
        "sender_id": "conv-1",
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": "conv-1",
            "slots": {"requested_slot": "tr_thought"},
            "latest_message": {
                "text": f"skip {MARKER}",
                "intent": {"name": "skip"},
                "entities": [],
                "metadata": {},
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "thought_record_form"},
            "latest_action_name": "action_listen",
        },
    }


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_health_and_actions_list_are_rasa_sdks(server: Server) -> None:
    status, body = request(f"{server.url}/health")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, body = request(f"{server.url}/actions")
    assert status == 200
    assert {"name": "action_skip_question"} in json.loads(body)


def test_webhook_runs_actions_and_metrics_count_them(server: Server) -> None:
    status, body = request(f"{server.url}/webhook", skip_question_call())
    assert status == 200
    assert json.loads(body)["events"][0]["name"] == "tr_thought"
    assert request(f"{server.url}/webhook", {**skip_question_call(), "next_action": "nope"})[0] \
        == 404  # fmt: skip
    status, text = request(f"{server.url}/metrics")
    assert status == 200
    found = samples(text)
    ok = ("ally_action_runs_total", (("action", "action_skip_question"), ("outcome", "ok")))
    assert found[ok] == 1
    assert found[("ally_action_runs_total", (("action", "unknown"), ("outcome", "not_found")))] == 1
    count = ("ally_action_duration_seconds_count", (("action", "action_skip_question"),))
    assert found[count] == 1


def test_metrics_refuse_proxied_requests_without_a_token(server: Server) -> None:
    status, text = request(f"{server.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert status == 404
    assert "ally_action" not in text


def test_logs_are_json_lines_without_message_text(server: Server) -> None:
    request(f"{server.url}/webhook", skip_question_call())
    request(f"{server.url}/webhook", [f"{MARKER} in a malformed call"])
    lines = server.log.read_text().splitlines()
    assert lines
    for line in lines:
        payload = json.loads(line)
        assert {"ts", "level", "logger", "message"} <= set(payload)
    assert any(json.loads(line)["level"] == "ERROR" for line in lines)  # the malformed call
    assert MARKER not in server.log.read_text()


class _Request:
    """What ``requested_action`` reads of a Sanic request."""

    def __init__(self, body: bytes, parsed: Any = None, encoding: str | None = None) -> None:
        self.body, self.parsed_json = body, parsed
        self.headers = {"Content-Encoding": encoding} if encoding else {}


def test_requested_action_reuses_the_parsed_body_and_reads_deflated_ones() -> None:
    call = {"next_action": "action_skip_question", "tracker": {}}
    assert requested_action(_Request(b"not parsed again", parsed=call)) == "action_skip_question"
    deflated = zlib.compress(json.dumps(call).encode())
    assert requested_action(_Request(deflated, encoding="deflate")) == "action_skip_question"
    assert requested_action(_Request(json.dumps(call).encode())) == "action_skip_question"
    assert requested_action(_Request(b"{broken")) is None
    assert requested_action(_Request(b"[1, 2]")) is None
