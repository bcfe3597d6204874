"""Fixtures for the PostgreSQL tests: a throwaway cluster per session, a fresh database per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.storage.engine import Database
from bot.storage.migrate import upgrade
from tests.conftest import make_settings
from tests.pg import postgres_server, postgres_url  # noqa: F401  (fixtures)

_numbers = itertools.count(1)


@pytest.fixture
def pg_empty_url(postgres_url: str) -> str:  # noqa: F811
    """URL of a new, empty database in the session's cluster."""
    name = f"ally_test_{next(_numbers)}"
    engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def pg_settings(tmp_path: Path, pg_empty_url: str) -> Settings:
    return make_settings(tmp_path, ALLY_DATABASE_URL=pg_empty_url)


@pytest.fixture
def pg_database(pg_settings: Settings) -> Iterator[Database]:
    upgrade(pg_settings.database_url)
    database = Database.from_url(pg_settings.database_url)
    yield database
    database.close()
