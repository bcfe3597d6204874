"""Lazily built, overridable services for the actions (rasa-sdk builds actions with no args)."""

from __future__ import annotations

from bot.config import Settings
from bot.storage.engine import Database

_database: Database | None = None


def database() -> Database:
    """Return the process-wide database, building it on first use."""
    global _database
    if _database is None:
        _database = Database.from_url(Settings.from_env().database_url)
    return _database


def override_database(db: Database | None) -> None:
    """Replace the database (tests) or reset it so the next call rebuilds it."""
    global _database
    _database = db
