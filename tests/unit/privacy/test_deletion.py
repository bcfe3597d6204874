"""Deleting a person removes every trace of them from every table (SQLite; tests/postgres too)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.privacy import deletion
from bot.storage import tables as t
from bot.storage.audit import list_audit
from bot.storage.engine import Database
from tests.unit.privacy.people import find_everywhere, insert_person, tables_with_rows

PERSON = "conv-7f3a9c-person"
OTHER = "conv-0b41de-other"
MARKER = "Zyx-unique-marker-91"
OTHER_MARKER = "Qwv-other-marker-22"


def test_every_table_is_classified() -> None:
    assert deletion.unclassified_tables() == set()


def test_unclassified_table_makes_deletion_refuse(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deletion, "NOT_PERSONAL_TABLES", ("supporters",))
    with pytest.raises(deletion.UnclassifiedTableError, match="supporter_sessions"):
        database.run_sync(deletion.delete_person, conversation_id=PERSON, keep_safeguarding=False)


def _populate(connection: sa.engine.Connection) -> None:
    insert_person(connection, PERSON, MARKER)
    insert_person(connection, OTHER, OTHER_MARKER)


@pytest.mark.parametrize("keep_safeguarding", [False, True])
def test_deletion_leaves_no_trace_and_keeps_others(
    database: Database, keep_safeguarding: bool
) -> None:
    database.run_sync(_populate)
    # The fixture really covers the whole schema, so "nothing found" below means something.
    assert database.run_sync(tables_with_rows) == set(t.metadata.tables)
    assert database.run_sync(find_everywhere, needle=PERSON)
    assert database.run_sync(find_everywhere, needle=MARKER)
    counts = database.run_sync(
        deletion.delete_person, conversation_id=PERSON, keep_safeguarding=keep_safeguarding
    )
    assert database.run_sync(find_everywhere, needle=PERSON) == []
    assert database.run_sync(find_everywhere, needle=MARKER) == []
    assert counts["participants"] == 1
    assert counts["checkins"] == 3
    assert counts["escalation_notes"] == 1
    assert counts["audit_log"] == 2
    # The other person is untouched.
    other_hits = {table for table, _ in database.run_sync(find_everywhere, needle=OTHER_MARKER)}
    assert {"thought_records", "escalations", "conversation_messages", "tasks"} <= other_hits
    with database.engine.connect() as connection:
        other_rows = connection.execute(
            sa.select(sa.func.count()).where(t.checkins.c.conversation_id == OTHER)
        ).scalar()
    assert other_rows == 3


def test_safeguarding_record_keeps_only_the_minimum(database: Database) -> None:
    database.run_sync(_populate)
    counts = database.run_sync(
        deletion.delete_person, conversation_id=PERSON, keep_safeguarding=True
    )
    assert counts["escalations"] == 0
    assert counts["escalations_deidentified"] == 1
    with database.engine.connect() as connection:
        kept = connection.execute(
            sa.select(t.escalations).where(t.escalations.c.conversation_id.like("deleted-%"))
        ).one()
    assert kept.message_id.startswith("deleted-")
    assert kept.message_id != kept.conversation_id
    assert (kept.kind, kept.severity, kept.status, kept.outcome) == (
        "risk", "high", "resolved", "contacted",
    )  # fmt: skip
    assert list(kept.categories) == ["suicidal_ideation"]
    assert kept.excerpt == ""
    assert not kept.matches
    assert not kept.context
    assert kept.claimed_by is None
    assert kept.resolved_at is not None


def test_without_safeguarding_the_escalation_is_gone(database: Database) -> None:
    database.run_sync(_populate)
    counts = database.run_sync(
        deletion.delete_person, conversation_id=PERSON, keep_safeguarding=False
    )
    assert counts["escalations"] == 1
    assert counts["webhook_outbox"] == 1
    with database.engine.connect() as connection:
        left = connection.execute(sa.select(sa.func.count()).select_from(t.escalations)).scalar()
    assert left == 1  # the other person's


def test_deletion_is_audited_without_any_trace_of_the_person(database: Database) -> None:
    database.run_sync(_populate)
    counts = database.run_sync(
        deletion.delete_person, conversation_id=PERSON, keep_safeguarding=False
    )
    entries = database.run_sync(list_audit, actor="participant")
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.target_type, entry.target_id) == (
        "data_deleted", "participant", None,
    )  # fmt: skip
    assert entry.detail["rows"] == counts
    assert PERSON not in repr(entry.to_json())
    assert MARKER not in repr(entry.to_json())


def test_deleting_an_unknown_person_changes_nothing_but_the_audit(database: Database) -> None:
    database.run_sync(_populate)
    before = database.run_sync(find_everywhere, needle=PERSON)
    counts = database.run_sync(
        deletion.delete_person, conversation_id="nobody", keep_safeguarding=False
    )
    assert set(counts.values()) == {0}
    assert database.run_sync(find_everywhere, needle=PERSON) == before


def test_empty_conversation_id_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        database.run_sync(deletion.delete_person, conversation_id="", keep_safeguarding=False)


def test_a_failed_deletion_rolls_back_completely(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.run_sync(_populate)

    def broken_audit(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("audit failed")

    monkeypatch.setattr(deletion, "record_audit", broken_audit)
    with pytest.raises(RuntimeError, match="audit failed"):
        database.run_sync(deletion.delete_person, conversation_id=PERSON, keep_safeguarding=False)
    assert database.run_sync(tables_with_rows) == set(t.metadata.tables)
    assert database.run_sync(find_everywhere, needle=MARKER)
