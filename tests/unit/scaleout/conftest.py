"""Route each file to the environment that has its dependencies (as tests/fuzz/conftest.py).

test_resilient_store.py and test_resilient_lock.py need rasa (they subclass Rasa's stores); the
rest runs in both. ``cluster`` is a throwaway PostgreSQL server, for the watchdog tests.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from bot.scaleout.postgres import PostgresCluster

RASA_ONLY = ["test_resilient_store.py", "test_resilient_lock.py"]
collect_ignore = [] if importlib.util.find_spec("rasa") is not None else RASA_ONLY


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    """An initialised PostgreSQL data directory on a free port, destroyed afterwards."""
    server = PostgresCluster.throwaway()
    server.init()
    yield server
    server.destroy()
