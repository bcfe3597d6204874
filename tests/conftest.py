"""Fixtures shared by every test environment (only the standard library, SQLAlchemy and bot)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.storage.engine import Database
from bot.storage.migrate import upgrade

PROJECT_DIR = Path(__file__).resolve().parent.parent


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    """Settings for a test: everything under ``tmp_path``, nothing read from the real env."""
    env = {
        "ALLY_ENV": "test",
        "ALLY_PROJECT_DIR": str(PROJECT_DIR),
        "ALLY_VAR_DIR": str(tmp_path / "var"),
        "ALLY_DATABASE_URL": f"sqlite:///{tmp_path / 'ally.db'}",
    }
    env.update(overrides)
    return Settings.from_env(env)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    upgrade(settings.database_url)
    db = Database.from_url(settings.database_url)
    yield db
    db.close()
