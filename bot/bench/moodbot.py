"""The baseline: Rasa's stock ``rasa init`` moodbot, with the same Rasa, on its REST channel.

It is created and trained once with ``rasa init --no-prompt`` in a temporary folder, then kept
under ``var/bench/moodbot`` so later runs only start it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp

from bot.bench.ally import BenchError, free_port
from bot.bench.load import TurnFailedError
from bot.bench.machine import cpu_seconds, rss_bytes

STARTUP_DEADLINE_SECONDS = 300.0


def moodbot_environment(base: dict[str, str]) -> dict[str, str]:
    """The environment for the moodbot's Rasa: no telemetry, quiet TensorFlow."""
    return {**base, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def cached_model(cache_dir: Path) -> Path | None:
    """Return the trained moodbot model in the cache, if there is one."""
    models = sorted((cache_dir / "models").glob("*.tar.gz"))
    return models[-1] if models else None


def ensure_moodbot(rasa: Path, cache_dir: Path, env: dict[str, str], log: Path) -> Path:
    """Return the cached moodbot project, creating and training it first if needed.

    Raises:
        BenchError: if ``rasa init`` fails.
    """
    if cached_model(cache_dir) is not None:
        return cache_dir
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="moodbot-") as tmp, log.open("ab") as out:
        project = Path(tmp) / "moodbot"
        project.mkdir()  # rasa init wants the folder to exist
        result = subprocess.run(  # noqa: S603 - fixed argv
            [str(rasa.absolute()), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=tmp,
            env=moodbot_environment(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
        if result.returncode != 0 or cached_model(project) is None:
            raise BenchError(f"rasa init failed; see {log}")
        if cache_dir.exists():
            shutil.rmtree(cache_dir)
        shutil.copytree(project, cache_dir)
    return cache_dir


class MoodbotServer:
    """``rasa run --enable-api`` for the cached moodbot on a free loopback port."""

    def __init__(self, rasa: Path, project: Path, env: dict[str, str], log: Path) -> None:
        self.rasa = rasa
        self.project = project
        self.env = moodbot_environment(env)
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_seconds = 0.0

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start Rasa and wait until its status endpoint answers."""
        started = time.monotonic()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    str(self.rasa.absolute()),
                    "run",
                    "--enable-api",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--model",
                    "models",
                ],
                cwd=self.project,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        while time.monotonic() < started + STARTUP_DEADLINE_SECONDS:
            if self.process.poll() is not None:
                raise BenchError(f"the moodbot's Rasa exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/status", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        self.ready_seconds = time.monotonic() - started
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise BenchError("the moodbot was not ready in time")

    def rss(self) -> dict[str, int | None]:
        """Return the Rasa process's RSS."""
        return {"rasa": rss_bytes(self.process.pid) if self.process else None}

    def cpu(self) -> dict[str, float | None]:
        """Return the CPU seconds the Rasa process has used so far."""
        return {"rasa": cpu_seconds(self.process.pid) if self.process else None}

    def stop(self) -> None:
        """Stop Rasa."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class RestConversation:
    """One person on the moodbot's REST channel (its only path)."""

    def __init__(self, http: aiohttp.ClientSession, url: str, conversation_id: str) -> None:
        self.http = http
        self.url = f"{url}/webhooks/rest/webhook"
        self.conversation_id = conversation_id

    async def say(self, text: str, *, risk: bool) -> list[dict[str, Any]]:
        """Send one message; an HTTP error is a failed turn.

        An empty answer is not: the moodbot's policies sometimes just listen, which is its
        dialogue, not a failure (Ally's web app never answers with silence).
        """
        body = {"sender": self.conversation_id, "message": text}
        async with self.http.post(self.url, json=body) as resp:
            if resp.status != 200:
                raise TurnFailedError(f"HTTP {resp.status}")
            replies = await resp.json()
        return list(replies)

    async def close(self) -> None:
        """Nothing to close: the HTTP session is shared."""
