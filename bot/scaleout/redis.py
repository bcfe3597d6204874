"""A Redis server on loopback for Rasa's lock store, from Debian's ``redis-server``.

It holds only conversation locks, which live for seconds: no persistence (no RDB, no AOF).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from bot.scaleout.errors import BackendError, MissingBinaryError
from bot.scaleout.processes import die_with_parent

READY_TIMEOUT = 20.0
PROBE_TIMEOUT = 2.0
DEBIAN_PATH = Path("/usr/bin/redis-server")


def redis_bin() -> str:
    """Find ``redis-server``.

    Raises:
        MissingBinaryError: when it is not installed.
    """
    found = shutil.which("redis-server") or (str(DEBIAN_PATH) if DEBIAN_PATH.is_file() else None)
    if found is None:
        raise MissingBinaryError(
            "redis-server is not installed (Debian: apt-get install redis-server)"
        )
    return found


def ping(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> bool:
    """True when Redis at ``host:port`` answers ``PING`` with ``PONG`` within ``timeout`` seconds.

    The health check, and the watchdog's probe: a stopped (``kill -STOP``) or stuck server still
    has its connections accepted by the kernel, but never answers.
    """
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.settimeout(max(deadline - time.monotonic(), 0.001))
            conn.sendall(b"PING\r\n")
            conn.settimeout(max(deadline - time.monotonic(), 0.001))
            return conn.recv(64).startswith(b"+PONG")
    except OSError:  # refused, reset, or timed out (socket.timeout is an OSError)
        return False


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1, logging to ``log_path``."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def is_alive(self) -> bool:
        """True while the server runs: the watchdog's check.

        For a server started here, while its process runs; for one found running, while it
        answers PING.
        """
        if self._proc is not None:
            return self._proc.poll() is None
        return ping(self.port)

    def responds(self, timeout: float = PROBE_TIMEOUT) -> bool:
        """True when the server answers PING in time: the watchdog's probe."""
        return ping(self.port, timeout=timeout)

    def argv(self) -> list[str]:
        """The command line: loopback only, no persistence, protected mode on."""
        return [redis_bin(), "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--protected-mode", "yes", "--loglevel", "warning"]  # fmt: skip

    def start(self) -> None:
        """Start the server and wait until it answers PING.

        Raises:
            BackendError: when it exits or does not answer in time.
        """
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(  # noqa: S603
                self.argv(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BackendError(
                    f"redis-server exited with code {self._proc.returncode} (see {self.log_path})"
                )
            if ping(self.port):
                return
            time.sleep(0.1)
        self.stop()
        raise BackendError(f"redis-server did not answer on port {self.port} in time")

    def kill(self) -> None:
        """Kill the server at once (SIGKILL)."""
        if self._proc and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s)."""
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
