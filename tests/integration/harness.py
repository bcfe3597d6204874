"""Test harness: the stack's services as separate processes, and a throwaway PostgreSQL.

Unlike `ally up`, which stops everything when one service dies, this lets a test kill and
restart one service at a time.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.config import Settings
from bot.stack import ServiceSpec, services

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


def postgres_bin(tool: str) -> str:
    """Find a PostgreSQL server binary on PATH or in Debian's versioned folder."""
    found = shutil.which(tool) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(f"PostgreSQL's {tool} is not installed (apt-get install postgresql)")
    return found


class Postgres:
    """A throwaway PostgreSQL cluster on loopback, run as the postgres user when we are root."""

    def __init__(self) -> None:
        # Its own folder in /tmp: pytest's temporary folders are private to root, and the server
        # must run as the postgres user.
        self.base = Path(tempfile.mkdtemp(prefix="ally-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql://ally@127.0.0.1:{self.port}/ally"

    def _run(self, *argv: str) -> None:
        subprocess.run([*self._as_user, *argv], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        if self._as_user:
            shutil.chown(self.base, "postgres", "postgres")
        self._run(postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "ally")
        self.start()
        self._run(postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "ally",
                  "ally")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.base / "log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
