"""Test harness: the stack's services as separate processes, and a throwaway PostgreSQL.

Unlike `ally up`, which stops everything when one service dies, this lets a test kill and
restart one service at a time.
"""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.config import Settings
from bot.stack import ServiceSpec, services

# The throwaway PostgreSQL cluster lives in tests/pg.py (shared with tests/postgres/).
from tests.pg import Postgres, free_port, postgres_bin  # noqa: F401  (re-exported)

PROJECT_DIR = Path(__file__).resolve().parents[2]


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class ProcessStack:
    """The three services of one stack, each started, killed and restarted on its own."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.specs: dict[str, ServiceSpec] = {spec.name: spec for spec in services(settings)}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.log_dir = settings.var_dir / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)

    def start(self, name: str) -> None:
        spec = self.specs[name]
        with (self.log_dir / f"{name}.log").open("ab") as log:
            self.procs[name] = subprocess.Popen(
                spec.argv, cwd=PROJECT_DIR, env=spec.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.wait_healthy(name)

    def wait_healthy(self, name: str) -> None:
        spec = self.specs[name]
        deadline = time.monotonic() + spec.startup_timeout
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited: {self.log_tail(name)}")
            if is_healthy(spec.health_url):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{name} not healthy in time: {self.log_tail(name)}")

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    def log_tail(self, name: str) -> str:
        return "\n".join((self.log_dir / f"{name}.log").read_text().splitlines()[-30:])

    def stop_all(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()
