from __future__ import annotations

import pytest

from bot.config import Settings
from bot.storage.engine import Database
from tests.unit.privacy.people import insert_person

SALT = "test-salt-for-research-exports-0123"
PEOPLE = {"conv-alpha-1f2e": "Marker-Alpha-Q1", "conv-beta-9c8d": "Marker-Beta-W2"}


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point `ally` (run in-process through bot.cli.main) at the test database."""
    monkeypatch.setenv("ALLY_ENV", "test")
    monkeypatch.setenv("ALLY_PROJECT_DIR", str(settings.project_dir))
    monkeypatch.setenv("ALLY_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("ALLY_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ALLY_PSEUDONYM_SALT", SALT)
    return settings


@pytest.fixture
def populated(database: Database) -> Database:
    def insert(connection) -> None:  # type: ignore[no-untyped-def]
        for cid, marker in PEOPLE.items():
            insert_person(connection, cid, marker)

    database.run_sync(insert)
    return database
