"""The Ally side of the benchmark: its own stack on free ports, people on socket.io, a supporter.

The stack is started the way the integration tests start it (``ally up --no-train`` with a
throwaway var directory and SQLite database) and stopped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from bot.bench.load import TurnFailedError
from bot.bench.machine import cpu_seconds, rss_bytes, service_pids
from bot.errors import AllyError
from bot.risk.resources import crisis_text
from bot.web.replies import SOMETHING_WENT_WRONG

READY_LINE = "Ally is running"
STARTUP_DEADLINE_SECONDS = 420.0
SUPPORTER = "bench-supporter"


class BenchError(AllyError):
    """The benchmark could not set up what it measures."""


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def create_supporter(database_url: str, password: str) -> None:
    """Create the benchmark's supporter account, who listens for escalations."""
    from bot.storage.accounts import create_account
    from bot.storage.engine import Database
    from bot.web.auth import hash_password

    database = Database.from_url(database_url)
    try:
        database.run_sync(
            create_account,
            username=SUPPORTER,
            role="supporter",
            password_hash=hash_password(password),
        )
    finally:
        database.close()


class AllyStack:
    """``ally up --no-train`` on free ports in a temporary var directory."""

    def __init__(self, project_dir: Path, model_dir: Path) -> None:
        self.project_dir = project_dir
        self.model_dir = model_dir
        self.var_dir = Path(tempfile.mkdtemp(prefix="ally-bench-"))
        self.web_port = free_port()
        self.env = dict(
            os.environ,
            ALLY_ENV="test",
            ALLY_VAR_DIR=str(self.var_dir),
            ALLY_DATABASE_URL=f"sqlite:///{self.var_dir / 'ally.db'}",
            ALLY_WEB_PORT=str(self.web_port),
            ALLY_RASA_PORT=str(free_port()),
            ALLY_ACTIONS_PORT=str(free_port()),
            ALLY_MODEL_DIR=str(model_dir),
        )
        self.password = secrets.token_urlsafe(18)
        self.output = self.var_dir / "ally-up.out"
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_seconds = 0.0

    @property
    def url(self) -> str:
        """The web app's base URL."""
        return f"http://127.0.0.1:{self.web_port}"

    def start(self) -> None:
        """Start the stack and wait until it says it is running; create the supporter."""
        started = time.monotonic()
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "up", "--no-train"],
                cwd=self.project_dir,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = started + STARTUP_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"ally up exited early; see {self.output}")
            if READY_LINE in self.output.read_text(errors="replace"):
                self.ready_seconds = time.monotonic() - started
                self._add_supporter()
                return
            time.sleep(0.5)
        raise BenchError(f"the stack was not ready in {STARTUP_DEADLINE_SECONDS:.0f} s")

    def _add_supporter(self) -> None:
        create_supporter(self.env["ALLY_DATABASE_URL"], self.password)

    def rss(self) -> dict[str, int | None]:
        """Return the RSS of each service process, by service name."""
        if self.process is None:
            return {}
        return {
            name: rss_bytes(pid) for name, pid in sorted(service_pids(self.process.pid).items())
        }

    def cpu(self) -> dict[str, float | None]:
        """Return the CPU seconds each service process has used so far, by service name."""
        if self.process is None:
            return {}
        pids = service_pids(self.process.pid)
        return {name: cpu_seconds(pid) for name, pid in sorted(pids.items())}

    def remove_var_dir(self) -> None:
        """Delete the stack's throwaway var directory (kept when a run failed, for its logs)."""
        shutil.rmtree(self.var_dir, ignore_errors=True)

    def stop(self) -> None:
        """Stop the stack (SIGTERM, then SIGKILL after a minute)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class SocketConversation:
    """One person on the web app's socket.io endpoint, as the widget talks to it."""

    def __init__(self, crisis_opening: str) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.uttered: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self.uttered.put)
        self.crisis_opening = crisis_opening
        self.conversation_id = ""

    async def open(self, url: str) -> SocketConversation:
        """Connect and get a conversation id."""
        await self.sio.connect(url, transports=["websocket"])
        await self.sio.emit("session_request", {"session_id": None})
        self.conversation_id = await asyncio.wait_for(self.confirmed.get(), 30)
        return self

    async def say(self, text: str, *, risk: bool) -> list[dict[str, Any]]:
        """Send one message and return the turn's first reply.

        The web app emits a turn's replies back to back; the rest arrive during the runner's
        pause and are dropped before the next message.
        """
        while not self.uttered.empty():
            self.uttered.get_nowait()
        await self.sio.emit("user_uttered", {"message": text})
        first = await self.uttered.get()
        first_text = str(first.get("text", ""))
        if first_text == SOMETHING_WENT_WRONG:
            raise TurnFailedError("the web app said something went wrong")
        if risk and not first_text.startswith(self.crisis_opening):
            raise TurnFailedError("a risk message did not get the crisis text first")
        return [first]

    async def close(self) -> None:
        """Disconnect."""
        await self.sio.disconnect()


def crisis_opening(locale: str) -> str:
    """The first socket.io part of the crisis text (the web app splits texts on blank lines)."""
    return crisis_text(locale).strip().split("\n\n")[0]


class SupporterFeed:
    """A supporter logged in and listening to ``GET /supporter/events`` (SSE).

    Records when each conversation's first escalation event arrived (monotonic clock).
    """

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.username = username
        self.password = password
        self.arrivals: dict[str, float] = {}
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    async def start(self) -> None:
        """Log in and start listening."""
        self._session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with self._session.post(
            f"{self.url}/api/login", json={"username": self.username, "password": self.password}
        ) as resp:
            if resp.status != 200:
                raise BenchError(f"supporter login failed with HTTP {resp.status}")
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._connected.wait(), 30)

    async def _listen(self) -> None:
        assert self._session is not None
        while True:  # the server ends streams after a few minutes; reconnect like EventSource
            timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
            async with self._session.get(f"{self.url}/supporter/events", timeout=timeout) as resp:
                if resp.status != 200:
                    raise BenchError(f"supporter event stream refused: HTTP {resp.status}")
                async for raw in resp.content:
                    line = raw.decode("utf-8", errors="replace").strip()
                    if line.startswith("data:"):
                        self._handle(json.loads(line[5:]))

    def _handle(self, event: dict[str, Any]) -> None:
        arrived = time.monotonic()
        if event.get("type") == "snapshot":
            self._connected.set()
        if event.get("type") == "escalation":
            conversation_id = str(event.get("escalation", {}).get("conversation_id"))
            self.arrivals.setdefault(conversation_id, arrived)

    async def escalation_latencies(
        self, sent: dict[str, float], *, wait: float = 10.0
    ) -> tuple[list[float], list[str]]:
        """Return the latencies of the escalations for ``sent``, and the ones never seen."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not all(c in self.arrivals for c in sent):
            await asyncio.sleep(0.1)
        latencies = [self.arrivals[c] - t for c, t in sent.items() if c in self.arrivals]
        missing = [c for c in sent if c not in self.arrivals]
        return latencies, missing

    async def close(self) -> None:
        """Stop listening and log out of nothing (the session just ends)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._session is not None:
            await self._session.close()
