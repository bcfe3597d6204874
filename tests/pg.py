"""A throwaway PostgreSQL cluster for tests, and the session fixture that yields its URL.

The server refuses to run as root, so when the tests run as root (CI, these machines) every
PostgreSQL command runs as the ``postgres`` user through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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

    def create_database(self, name: str) -> str:
        """Create another database in the cluster and return its URL."""
        self._run(postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "ally",
                  name)  # fmt: skip
        return f"postgresql://ally@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """One throwaway cluster per test session. Missing binaries fail the tests: never a skip."""
    try:
        for tool in ("initdb", "pg_ctl", "createdb"):
            postgres_bin(tool)
    except RuntimeError as exc:
        pytest.fail(f"{exc}; the postgres tests need it", pytrace=False)
    server = Postgres()
    try:
        server.init()
    except subprocess.CalledProcessError as exc:
        output = (exc.stderr or b"").decode(errors="replace").strip()
        server.destroy()
        pytest.fail(f"cannot start a throwaway PostgreSQL: {output}", pytrace=False)
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: Postgres) -> str:
    """URL of the session's throwaway PostgreSQL database."""
    return postgres_server.url
