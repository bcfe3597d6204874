"""Which tracker store "delete my data" and `ally transcript` use, and the SQLite URL form."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.privacy.deletion import delete_tracker_events
from tests.conftest import make_settings


def sqlite_store(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        db.executemany(
            "INSERT INTO events (sender_id, data) VALUES (?, ?)",
            [("person", "{}"), ("person", "{}"), ("other", "{}")],
        )


def senders(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [s for (s,) in db.execute("SELECT sender_id FROM events ORDER BY id")]


def test_by_default_the_tracker_store_is_the_sqlite_file(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert settings.tracker_database_url == ""
    assert settings.tracker_store == settings.tracker_db_path == tmp_path / "var/rasa-tracker.db"


def test_a_tracker_database_url_replaces_the_file(tmp_path: Path) -> None:
    url = "postgresql://ally@127.0.0.1:5433/rasa"
    assert make_settings(tmp_path, ALLY_TRACKER_DATABASE_URL=url).tracker_store == url


@pytest.mark.parametrize("raw", ["mysql://x/y", "rasa.db", "redis://127.0.0.1"])
def test_a_bad_tracker_database_url_names_the_setting(tmp_path: Path, raw: str) -> None:
    with pytest.raises(ConfigError, match="ALLY_TRACKER_DATABASE_URL"):
        make_settings(tmp_path, ALLY_TRACKER_DATABASE_URL=raw)


@pytest.mark.parametrize("as_url", [False, True])
def test_sqlite_store_as_path_or_url(tmp_path: Path, as_url: bool) -> None:
    path = tmp_path / "tracker.db"
    sqlite_store(path)
    store = f"sqlite:///{path}" if as_url else path
    assert delete_tracker_events(store, "person") == 2
    assert senders(path) == ["other"]


def test_a_missing_sqlite_store_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    assert delete_tracker_events(f"sqlite:///{path}", "person") == 0
    assert not path.exists()


def test_an_empty_conversation_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="conversation_id"):
        delete_tracker_events(tmp_path / "tracker.db", "")
