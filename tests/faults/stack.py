"""The supervised stack under test (`ally up --no-train`), its faults, and what it stored.

Faults are real: ``kill -9`` of one service process that `ally up` started. Nothing in the
tests restarts a service: the supervisor has to (that is "recovers without manual steps").
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.bench.machine import service_pids
from tests.pg import free_port

PROJECT_DIR = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE = 420.0
RECOVERY_DEADLINE = 180.0


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class SupervisedStack:
    """`ally up --no-train` on free ports, with a throwaway var directory and SQLite database."""

    var_dir: Path
    web_port: int
    rasa_port: int
    actions_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        return dict(
            os.environ,
            ALLY_ENV="test",
            ALLY_VAR_DIR=str(self.var_dir),
            ALLY_DATABASE_URL=self.database_url,
            ALLY_WEB_PORT=str(self.web_port),
            ALLY_RASA_PORT=str(self.rasa_port),
            ALLY_ACTIONS_PORT=str(self.actions_port),
            ALLY_MODEL_DIR=str(PROJECT_DIR / "models"),
            ALLY_RASA_TIMEOUT="20",
        )

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.var_dir / 'ally.db'}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def output(self) -> Path:
        return self.var_dir / "ally-up.out"

    def health_url(self, service: str) -> str:
        return {
            "web": f"{self.web_url}/healthz",
            "actions": f"http://127.0.0.1:{self.actions_port}/health",
            "rasa": f"http://127.0.0.1:{self.rasa_port}/",
        }[service]

    def start(self) -> None:
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "up", "--no-train"],
                cwd=PROJECT_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + STARTUP_DEADLINE
        while "Ally is running" not in self.output.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ally up did not start:\n{self.output.read_text()}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def pid(self, service: str) -> int | None:
        assert self.process is not None
        return service_pids(self.process.pid).get(service)

    def kill(self, service: str) -> int:
        """``kill -9`` one service; return its pid."""
        pid = self.pid(service)
        assert pid is not None, f"{service} is not running"
        os.kill(pid, signal.SIGKILL)
        return pid

    def hang(self, service: str) -> int:
        """Stop one service with SIGSTOP (it runs but answers nothing); return its pid."""
        pid = self.pid(service)
        assert pid is not None, f"{service} is not running"
        os.kill(pid, signal.SIGSTOP)
        return pid

    async def recovered(self, service: str, old_pid: int) -> float:
        """Wait until the supervisor has a new, healthy ``service``; return how long it took."""
        started = time.monotonic()
        while True:
            assert self.process is not None and self.process.poll() is None, (
                f"ally up gave up:\n{self.output.read_text()}"
            )
            pid = self.pid(service)
            if pid not in (None, old_pid) and is_healthy(self.health_url(service)):
                return time.monotonic() - started
            assert time.monotonic() - started < RECOVERY_DEADLINE, self.output.read_text()
            await asyncio.sleep(0.2)


def make_stack(var_dir: Path) -> SupervisedStack:
    return SupervisedStack(var_dir, free_port(), free_port(), free_port())


def tracker_user_message_ids(tracker_db: Path, conversation_id: str) -> list[str | None]:
    """The ``message_id`` of each user event of a conversation in Rasa's SQL tracker store."""
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (conversation_id,),
        ).fetchall()
    return [(json.loads(data).get("metadata") or {}).get("message_id") for (data,) in rows]
