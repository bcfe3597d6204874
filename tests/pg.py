"""A throwaway PostgreSQL cluster for tests, and the session fixture that yields its URL.

The cluster itself lives in bot/scaleout/postgres.py (``ally up --scale`` runs the same code);
this module keeps the names the tests import.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ports import free_port
from bot.scaleout.errors import BackendError, MissingBinaryError
from bot.scaleout.postgres import PostgresCluster, check_postgres_installed, postgres_bin

__all__ = ["Postgres", "free_port", "postgres_bin", "postgres_server", "postgres_url"]


class Postgres(PostgresCluster):
    """A throwaway cluster in its own folder under /tmp, on a free port."""

    def __init__(self) -> None:
        # Its own folder in /tmp: pytest's temporary folders are private to root, and the server
        # must run as the postgres user.
        super().__init__(Path(tempfile.mkdtemp(prefix="ally-pg-")), free_port())


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """One throwaway cluster per test session. Missing binaries fail the tests: never a skip."""
    try:
        check_postgres_installed()
    except MissingBinaryError as exc:
        pytest.fail(f"{exc}; the postgres tests need it", pytrace=False)
    server = Postgres()
    try:
        server.init()
    except BackendError as exc:
        server.destroy()
        pytest.fail(f"cannot start a throwaway PostgreSQL: {exc}", pytrace=False)
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: Postgres) -> str:
    """URL of the session's throwaway PostgreSQL database."""
    return postgres_server.url
