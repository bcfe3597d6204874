"""Hostile input against the real stack: Rasa's REST webhook and the web app, plus slow clients.

Starts actions, Rasa and the web app as separate processes (tests/integration/harness.py),
warms them up with a fixed hostile mix, then sends hypothesis-generated requests to both front
doors. Asserts: no process died, no 5xx, the web app keeps serving while slow clients stall,
and RSS growth after warm-up stays within RSS_GROWTH_BOUND (or RSS_SLACK_KIB). Prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.storage.accounts import create_account
from bot.storage.engine import Database
from bot.storage.migrate import upgrade
from bot.web.auth import hash_password
from tests.fuzz import tally
from tests.fuzz.strategies import FUZZ, RAW_BODIES, json_values, odd_text
from tests.integration.harness import PROJECT_DIR, ProcessStack, free_port

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery staple"
# Growth allowed after warm-up: 15 %, but at least 16 MiB (the action server is only ~60 MB,
# and one more arena or cache there is not a leak).
RSS_GROWTH_BOUND = 0.15
RSS_SLACK_KIB = 16 * 1024
EXAMPLES = 1100  # two requests each: one to Rasa's webhook, one to the web app
SENDERS = [f"fuzz-{n}" for n in range(8)]
LOOP = asyncio.new_event_loop()
STATE: dict[str, Any] = {"statuses": {}}


@pytest.fixture(scope="module")
def hostile_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessStack]:
    var_dir: Path = tmp_path_factory.mktemp("hostile-stack")
    settings = Settings.from_env(
        {
            "ALLY_ENV": "test",
            "ALLY_PROJECT_DIR": str(PROJECT_DIR),
            "ALLY_VAR_DIR": str(var_dir),
            "ALLY_DATABASE_URL": f"sqlite:///{var_dir / 'ally.db'}",
            "ALLY_WEB_PORT": str(free_port()),
            "ALLY_RASA_PORT": str(free_port()),
            "ALLY_ACTIONS_PORT": str(free_port()),
            "ALLY_MODEL_DIR": str(PROJECT_DIR / "models"),
            "ALLY_RASA_TIMEOUT": "30",
        }
    )
    upgrade(settings.database_url)
    database = Database.from_url(settings.database_url)
    database.run_sync(
        create_account, username="sam", role="supporter", password_hash=hash_password(PASSWORD)
    )
    database.close()
    stack = ProcessStack(settings)
    try:
        for name in ("actions", "rasa", "web"):
            stack.start(name)
        yield stack
    finally:
        stack.stop_all()


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def rss_all(stack: ProcessStack) -> dict[str, int]:
    return {name: rss_kib(proc.pid) for name, proc in stack.procs.items()}


def _alive(stack: ProcessStack) -> None:
    for name, proc in stack.procs.items():
        assert proc.poll() is None, f"{name} died: {stack.log_tail(name)}"


# --- Requests ------------------------------------------------------------------------------------

webhook_bodies = st.one_of(
    st.fixed_dictionaries(
        {"sender": st.sampled_from(SENDERS), "message": st.one_of(odd_text, json_values)},
        optional={"metadata": json_values},
    ).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"sender": st.sampled_from(SENDERS), "message": st.text(max_size=60)}
    ).map(lambda v: json.dumps(v).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    RAW_BODIES,
)
WEB_TARGETS = [
    ("POST", "/api/login"),
    ("POST", "/api/escalations/1/notes"),
    ("POST", "/api/escalations/1/resolve"),
    ("POST", "/api/conversations/fuzz-0/messages"),
    ("PATCH", "/api/accounts/1"),
    ("GET", "/api/history?to=9999-12-31"),
    ("POST", "/supporter/login"),
]


async def _post(
    session: aiohttp.ClientSession, method: str, url: str, body: bytes, headers: dict[str, str]
) -> int:
    async with session.request(method, url, data=body, headers=headers) as resp:
        await resp.read()
        return resp.status


async def _session(web_url: str) -> tuple[aiohttp.ClientSession, str]:
    # unsafe=True: keep the session cookie from 127.0.0.1 (an IP address).
    session = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=60), cookie_jar=aiohttp.CookieJar(unsafe=True)
    )
    async with session.post(
        f"{web_url}/api/login", json={"username": "sam", "password": PASSWORD}
    ) as resp:
        assert resp.status == 200
        csrf = (await resp.json())["csrf_token"]
    return session, csrf


def _record(where: str, status: int) -> None:
    key = f"{where} {status}"
    STATE["statuses"][key] = STATE["statuses"].get(key, 0) + 1
    assert status < 500, f"{where} answered {status}"


async def _send_pair(
    stack: ProcessStack, webhook: bytes, target: tuple[str, str], body: bytes, ctype: str
) -> None:
    settings = stack.settings
    session, csrf = STATE["session"], STATE["csrf"]
    status = await _post(
        session, "POST", f"{settings.rasa_url}/webhooks/rest/webhook", webhook,
        {"Content-Type": "application/json"},
    )  # fmt: skip
    _record("rasa", status)
    method, path = target
    status = await _post(
        session, method, f"http://127.0.0.1:{settings.web_port}{path}", body,
        {"Content-Type": ctype, "X-CSRF-Token": csrf},
    )  # fmt: skip
    _record("web", status)
    tally.count("real stack (hypothesis): rasa webhook + web app", 2)


FIXED_HOSTILE = [
    b"[]", b"null", b'"x"', b"", b"{", b"[" * 8000 + b"]" * 8000,
    b'{"sender": "fuzz-0", "message": 5}', b'{"sender": "fuzz-0", "message": "\\ud800"}',
    b'{"sender": "fuzz-0", "message": "' + b"a" * (1024 * 1024) + b'"}',
    b'{"sender": "fuzz-1", "message": "hello"}', b'{"sender": "fuzz-2", "message": "i feel low"}',
]  # fmt: skip


def test_real_stack_takes_hostile_input_with_flat_memory(hostile_stack: ProcessStack) -> None:
    stack = hostile_stack
    web_url = f"http://127.0.0.1:{stack.settings.web_port}"
    STATE["session"], STATE["csrf"] = LOOP.run_until_complete(_session(web_url))
    started = rss_all(stack)

    async def warm_up() -> None:
        for _ in range(10):
            for body in FIXED_HOSTILE:
                for target in WEB_TARGETS:
                    await _send_pair(stack, body, target, body, "application/json")

    LOOP.run_until_complete(warm_up())
    warm = rss_all(stack)
    _fuzz(stack)
    _alive(stack)
    after = rss_all(stack)
    LOOP.run_until_complete(STATE["session"].close())
    print("\nRSS (KiB) at start / after warm-up / after the fuzz run, growth after warm-up:")
    for name in after:
        growth = (after[name] - warm[name]) / warm[name]
        print(f"  {name:8} {started[name]:>9} {warm[name]:>9} {after[name]:>9}  {growth:+.1%}")
    print("status counts:", json.dumps(STATE["statuses"], sort_keys=True))
    for name in ("web", "rasa", "actions"):
        allowed = max(warm[name] * RSS_GROWTH_BOUND, RSS_SLACK_KIB)
        assert after[name] - warm[name] <= allowed, f"{name} RSS grew"


def _fuzz(stack: ProcessStack) -> None:
    @settings(FUZZ, max_examples=EXAMPLES)
    @given(
        webhook=webhook_bodies,
        target=st.sampled_from(WEB_TARGETS),
        body=st.one_of(
            RAW_BODIES,
            st.dictionaries(
                st.sampled_from(["text", "username", "password", "outcome", "note", "role"]),
                st.one_of(odd_text, json_values),
            ).map(lambda v: json.dumps(v).encode()),
        ),
        ctype=st.sampled_from(
            ["application/json", "application/x-www-form-urlencoded", "text/plain"]
        ),
    )
    def run(webhook: bytes, target: tuple[str, str], body: bytes, ctype: str) -> None:
        LOOP.run_until_complete(_send_pair(stack, webhook, target, body, ctype))

    run()


# --- Slow clients --------------------------------------------------------------------------------


def _stalled_clients(port: int, count: int) -> list[socket.socket]:
    """Open connections that send part of a request and then stall."""
    partial = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n",  # headers never finished
        b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100000\r\n\r\n{"username": ',  # body never finished
        b"G",
    ]
    clients = []
    for n in range(count):
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        client.sendall(partial[n % len(partial)])
        clients.append(client)
    return clients


def _dropped(client: socket.socket) -> bool:
    client.settimeout(0.05)
    try:
        client.recv(1024)  # an answer (408/400) or EOF: the server let go of it
        return True
    except TimeoutError:
        return False
    except OSError:
        return True


def test_slow_clients_do_not_block_others(hostile_stack: ProcessStack) -> None:
    stack = hostile_stack
    figures = {}
    for name, port in (("web", stack.settings.web_port), ("rasa", stack.settings.rasa_port)):
        clients = _stalled_clients(port, 60)
        health = (
            f"http://127.0.0.1:{port}/healthz" if name == "web" else f"http://127.0.0.1:{port}/"
        )
        served = 0
        for _ in range(20):
            with urllib.request.urlopen(health, timeout=10) as resp:
                served += resp.status == 200
        tally.count("real stack: slow clients + health checks", len(clients) + 20)
        waited = time.monotonic()
        held = len(clients)
        while held and time.monotonic() - waited < 90:
            held = sum(not _dropped(c) for c in clients)
            time.sleep(1)
        figures[name] = (served, held, round(time.monotonic() - waited))
        for client in clients:
            client.close()
        assert served == 20, f"{name} stopped serving others while slow clients stalled"
    _alive(stack)
    print("\nslow clients: (served of 20 while 60 stalled, still held open, seconds waited)")
    print(json.dumps(figures))
