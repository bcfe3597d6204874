"""A PostgreSQL cluster on loopback, run from the installed server binaries.

``ally up --scale`` keeps a persistent cluster under ``<var>/scale/pg``; the tests use throwaway
ones in ``/tmp``. The server refuses to run as root, so when we are root (CI, these machines)
every PostgreSQL command runs as the ``postgres`` user through ``runuser``.

:func:`answers` is the watchdog's probe of a server that runs but may hang: an SSLRequest, which
the server answers with one byte before any login.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

from bot.ports import free_port
from bot.scaleout.errors import BackendError, MissingBinaryError
from bot.scaleout.processes import process_runs, wait_reaped

TOOLS = ("initdb", "pg_ctl", "createdb", "pg_isready")
COMMAND_TIMEOUT = 120.0
USER = "ally"
APP_DATABASE = "ally"
REAP_WAIT_SECONDS = 10.0
PROBE_TIMEOUT = 2.0
#: The SSLRequest packet: length 8, then the request code 80877103 (1234 << 16 | 5679).
SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def postgres_bin(tool: str) -> str:
    """Find a PostgreSQL binary on PATH or in Debian's versioned folder.

    Raises:
        MissingBinaryError: when it is not installed.
    """
    found = shutil.which(tool) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)), None
    )
    if found is None:
        raise MissingBinaryError(
            f"PostgreSQL's {tool} is not installed (Debian: apt-get install postgresql)"
        )
    return found


def answers(port: int, host: str = "127.0.0.1", timeout: float = PROBE_TIMEOUT) -> bool:
    """True when the server at ``host:port`` answers an SSLRequest within ``timeout`` seconds.

    A TCP connect is not enough: the kernel accepts connections into the listen backlog while
    the postmaster is stopped (``kill -STOP``) or stuck. The postmaster's child answers an
    SSLRequest with one byte, ``N`` (no SSL) or ``S``, before authentication, also while the
    server starts up or replays its log; no login, no subprocess. Closing the connection right
    after that byte leaves nothing in the server's log.
    """
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.settimeout(max(deadline - time.monotonic(), 0.001))
            conn.sendall(SSL_REQUEST)
            conn.settimeout(max(deadline - time.monotonic(), 0.001))
            return conn.recv(1) in (b"N", b"S")
    except OSError:  # refused, reset, or timed out (socket.timeout is an OSError)
        return False


def check_postgres_installed() -> None:
    """Raise MissingBinaryError unless every server tool the cluster uses is installed."""
    for tool in TOOLS:
        postgres_bin(tool)


class PostgresCluster:
    """One cluster: data in ``base/data``, log in ``base/log``, socket in ``base``."""

    def __init__(self, base: Path, port: int) -> None:
        self.base = base
        self.data = base / "data"
        self.port = port
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @classmethod
    def throwaway(cls) -> PostgresCluster:
        """A cluster in a new folder under /tmp on a free port (call :meth:`destroy` after)."""
        # Not pytest's temporary folders: they are private to root, and the server runs as the
        # postgres user.
        return cls(Path(tempfile.mkdtemp(prefix="ally-pg-")), free_port())

    @property
    def log_path(self) -> Path:
        """The server's log file."""
        return self.base / "log"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the app database (trust authentication on loopback)."""
        return self.database_url(APP_DATABASE)

    def database_url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` in this cluster."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(  # noqa: S603  (our own argv, no shell)
                [*self._as_user, *argv], check=True, capture_output=True, timeout=COMMAND_TIMEOUT
            )
        except subprocess.CalledProcessError as exc:
            output = (exc.stderr or exc.stdout or b"").decode(errors="replace").strip()
            last = output.splitlines()[-1] if output else f"exit code {exc.returncode}"
            raise BackendError(f"PostgreSQL {Path(argv[0]).name} failed: {last}") from exc
        except subprocess.TimeoutExpired as exc:
            raise BackendError(f"PostgreSQL {Path(argv[0]).name} timed out") from exc

    @property
    def initialised(self) -> bool:
        """True once ``initdb`` has created the data folder."""
        return (self.data / "PG_VERSION").is_file()

    def init(self) -> None:
        """Create the cluster if needed, start it and make sure the app database exists."""
        check_postgres_installed()
        self.base.mkdir(parents=True, exist_ok=True)
        if self._as_user:
            shutil.chown(self.base, "postgres", "postgres")
            self._check_reachable()
        if not self.initialised:
            self._run(postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", USER,
                      "-E", "UTF8")  # fmt: skip
        if not self.is_running():
            self.start()
        self.ensure_database(APP_DATABASE)

    def _check_reachable(self) -> None:
        probe = subprocess.run(  # noqa: S603
            [*self._as_user, "test", "-w", str(self.base)], capture_output=True, check=False
        )
        if probe.returncode != 0:
            raise BackendError(
                f"PostgreSQL runs as the postgres user, which cannot write to {self.base}: "
                "use a var folder (ALLY_VAR_DIR) whose parents it can enter"
            )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        killed = self._recorded_pid()
        if killed is not None:
            # PostgreSQL refuses to start while the pid file names any process, an unreaped
            # killed server too: give its parent (PID 1) a moment to reap it.
            wait_reaped(killed, REAP_WAIT_SECONDS)
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
        try:
            self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options,
                      "-l", str(self.log_path), "-w", "-t", "60", "start")  # fmt: skip
        except BackendError as exc:  # pg_ctl says "Examine the log output": say where
            raise BackendError(f"{exc} (log: {self.log_path})") from exc

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: roll back open transactions, then shut down cleanly)."""
        if self.is_running():
            self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop and start the server: same port, same data."""
        self.stop()
        self.start()

    def is_running(self) -> bool:
        """True while a server runs on this data folder."""
        if not self.initialised:
            return False
        status = subprocess.run(  # noqa: S603
            [*self._as_user, postgres_bin("pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def is_alive(self) -> bool:
        """True while the server process named in ``postmaster.pid`` runs: the watchdog's check.

        Cheaper than :meth:`is_running` (no ``pg_ctl`` under ``runuser``, every second), and a
        killed server that is not reaped yet already counts as dead.
        """
        pid = self._recorded_pid()
        return pid is not None and process_runs(pid)

    def responds(self, timeout: float = PROBE_TIMEOUT) -> bool:
        """True when the server answers an SSLRequest in time: the watchdog's probe.

        See :func:`answers`; cheap enough for every few seconds, unlike :meth:`is_ready`.
        """
        return answers(self.port, timeout=timeout)

    def _recorded_pid(self) -> int | None:
        """The process id in ``postmaster.pid``: the server's, or a dead server's."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def is_ready(self) -> bool:
        """True when the server accepts connections (``pg_isready``): the health check."""
        ready = subprocess.run(  # noqa: S603
            [postgres_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
            check=False,
        )
        return ready.returncode == 0

    def ensure_database(self, name: str) -> str:
        """Create database ``name`` unless it exists; return its URL."""
        try:
            self.create_database(name)
        except BackendError as exc:
            if "already exists" not in str(exc):
                raise
        return self.database_url(name)

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its URL."""
        self._run(postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER,
                  name)  # fmt: skip
        return self.database_url(name)

    def destroy(self) -> None:
        """Stop the server and delete the cluster's folder."""
        if self.is_running():
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
