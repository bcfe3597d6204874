""" "Delete my data" in scale-out mode: Rasa's events in PostgreSQL go too, and only the person's.

The ``events`` table is created with the columns of Rasa 3.6's ``SQLTrackerStore`` (Rasa is not
installed in this environment; tests/actions/test_tracker_deletion.py runs the SQLite path
against Rasa's own store).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.privacy.deletion import delete_tracker_events
from bot.testing.transcript import TranscriptError, load_events
from tests.conftest import make_settings

pytestmark = pytest.mark.postgres

PERSON = "conv-pg-tracker-person-91c"
OTHER = "conv-pg-tracker-other-3d2"
MARKER = "Pg-tracker-marker-208"

EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def store_turns(url: str, sender: str, texts: list[str]) -> None:
    rows = []
    for number, text in enumerate(texts):
        user = {"event": "user", "timestamp": 1000.0 + number, "text": text,
                "parse_data": {"intent": {"name": "chat", "confidence": 1.0}}}  # fmt: skip
        bot = {"event": "bot", "timestamp": 1000.5 + number, "text": f"re: {text}"}
        rows += [
            {"sender_id": sender, "type_name": "user", "timestamp": user["timestamp"],
             "intent_name": "chat", "action_name": None, "data": json.dumps(user)},
            {"sender_id": sender, "type_name": "bot", "timestamp": bot["timestamp"],
             "intent_name": None, "action_name": None, "data": json.dumps(bot)},
        ]  # fmt: skip
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        EVENTS.create(connection, checkfirst=True)
        connection.execute(EVENTS.insert(), rows)
    engine.dispose()


def rows_of(url: str, sender: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(sa.func.count()).where(EVENTS.c.sender_id == sender)
        ).scalar_one()
        text_left = connection.execute(
            sa.select(sa.func.count()).where(EVENTS.c.data.contains(MARKER))
        ).scalar_one()
    engine.dispose()
    return int(found) + int(text_left)


def test_deletion_removes_every_event_of_the_person_and_no_other(pg_empty_url: str) -> None:
    store_turns(pg_empty_url, PERSON, [f"{MARKER} one", "two", "three"])
    store_turns(pg_empty_url, OTHER, ["hello", "bye"])
    assert rows_of(pg_empty_url, PERSON) > 0
    assert delete_tracker_events(pg_empty_url, PERSON) == 6
    assert rows_of(pg_empty_url, PERSON) == 0
    assert rows_of(pg_empty_url, OTHER) == 4
    assert delete_tracker_events(pg_empty_url, PERSON) == 0  # again: nothing left, no error


def test_a_store_rasa_has_not_created_yet_deletes_nothing(pg_empty_url: str) -> None:
    assert delete_tracker_events(pg_empty_url, PERSON) == 0


def test_an_unreachable_store_fails_loudly(pg_empty_url: str) -> None:
    url = pg_empty_url.rsplit("/", 1)[0] + "/no_such_database"
    with pytest.raises(sa.exc.OperationalError):
        delete_tracker_events(url, PERSON)


def test_the_settings_name_the_postgresql_store_for_deletion_and_transcripts(
    tmp_path: Path, pg_empty_url: str
) -> None:
    settings = make_settings(tmp_path, ALLY_TRACKER_DATABASE_URL=pg_empty_url)
    assert settings.tracker_store == pg_empty_url
    store_turns(pg_empty_url, PERSON, [f"{MARKER} one"])
    events = load_events(PERSON, tracker_db=settings.tracker_store, rasa_url=None, token="")
    assert [(e["event"], e["text"]) for e in events] == [
        ("user", f"{MARKER} one"),
        ("bot", f"re: {MARKER} one"),
    ]
    assert delete_tracker_events(settings.tracker_store, PERSON) == 2
    with pytest.raises(TranscriptError, match="no conversation"):
        load_events(PERSON, tracker_db=settings.tracker_store, rasa_url=None, token="")
