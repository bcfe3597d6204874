"""Complete deletion of one person's data (docs/privacy.md).

A person is known only by their conversation id. :func:`delete_person` removes every row that
belongs to it from every table in :data:`bot.storage.tables.metadata`, in the caller's
transaction; :func:`delete_tracker_events` removes the same conversation from Rasa's tracker
store (the SQLite file, or PostgreSQL in scale-out mode). Every table must be classified
below: deletion refuses to run while one is not, so a new table cannot be forgotten silently.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.storage.audit import record_audit
from bot.storage.tables import (
    audit_log,
    escalation_messages,
    escalation_notes,
    escalations,
    metadata,
    webhook_outbox,
)

# Tables keyed by conversation id, deleted outright. Children before parents, so the counts are
# the rows this function deleted, not what a cascade did behind its back.
PERSON_TABLES = (
    "action_writes",
    "risk_asks",
    "survey_responses",
    "survey_administrations",
    "alliance_signals",
    "tasks",
    "goals",
    "thought_records",
    "checkins",
    "mood_ratings",
    "scheduled_checkins",
    "conversation_sessions",
    "conversation_messages",
    "takeovers",
    "participants",
)
# Tables reached through the person's escalations, and the audit log (see delete_person).
ESCALATION_TABLES = ("webhook_outbox", "escalation_notes", "escalation_messages", "escalations")
AUDIT_TABLES = ("audit_log",)
# Supporter accounts and their sessions: no participant data.
NOT_PERSONAL_TABLES = ("supporters", "supporter_sessions")

DELETED_PREFIX = "deleted-"


class UnclassifiedTableError(RuntimeError):
    """A table exists that deletion does not know how to handle: refuse rather than miss it."""


def unclassified_tables() -> set[str]:
    """Return the tables of the schema that this module does not handle."""
    known = {*PERSON_TABLES, *ESCALATION_TABLES, *AUDIT_TABLES, *NOT_PERSONAL_TABLES}
    return set(metadata.tables) - known


def delete_person(
    connection: Connection, *, conversation_id: str, keep_safeguarding: bool
) -> dict[str, int]:
    """Delete every row of one person, in the caller's transaction.

    Args:
        connection: a connection inside a transaction (``Database.run`` provides one).
        conversation_id: the person's conversation id.
        keep_safeguarding: keep their escalations in a minimal de-identified form (random ids;
            no excerpt, matches, context, notes, messages or supporter name) instead of deleting
            them.

    Returns:
        Rows deleted per table; ``escalations_deidentified`` counts escalations kept.

    Raises:
        UnclassifiedTableError: when the schema has a table this function does not handle.
        ValueError: for an empty conversation id.
    """
    missing = unclassified_tables()
    if missing:
        raise UnclassifiedTableError(f"deletion does not handle tables {sorted(missing)}")
    if not conversation_id:
        raise ValueError("conversation_id must not be empty")
    if connection.dialect.name == "sqlite":
        # Overwrite freed pages so the deleted text does not linger in the file.
        connection.exec_driver_sql("PRAGMA secure_delete = ON")

    counts: dict[str, int] = {}
    escalation_ids = list(
        connection.execute(
            sa.select(escalations.c.id).where(escalations.c.conversation_id == conversation_id)
        ).scalars()
    )
    counts["webhook_outbox"] = _delete(
        connection, webhook_outbox, webhook_outbox.c.escalation_id.in_(escalation_ids)
    )
    counts["escalation_notes"] = _delete(
        connection, escalation_notes, escalation_notes.c.escalation_id.in_(escalation_ids)
    )
    counts["escalation_messages"] = _delete(
        connection, escalation_messages, escalation_messages.c.escalation_id.in_(escalation_ids)
    )
    audit_about_person = sa.or_(
        audit_log.c.target_id == conversation_id,
        sa.cast(audit_log.c.detail, sa.Text).contains(conversation_id, autoescape=True),
    )
    if keep_safeguarding:
        counts["escalations"] = 0
        counts["escalations_deidentified"] = _deidentify(connection, escalation_ids)
    else:
        counts["escalations"] = _delete(
            connection, escalations, escalations.c.id.in_(escalation_ids)
        )
        # Audit rows about an escalation that no longer exists would still date the person's crisis.
        audit_about_person = sa.or_(
            audit_about_person,
            sa.and_(
                audit_log.c.target_type == "escalation",
                audit_log.c.target_id.in_([str(i) for i in escalation_ids]),
            ),
        )
    counts["audit_log"] = _delete(connection, audit_log, audit_about_person)
    for name in PERSON_TABLES:
        table = metadata.tables[name]
        counts[name] = _delete(connection, table, table.c.conversation_id == conversation_id)
    record_audit(
        connection,
        actor="participant",
        action="data_deleted",
        target_type="participant",
        target_id=None,
        detail={"rows": counts, "kept_safeguarding": keep_safeguarding},
    )
    return counts


def scrub_write_ahead_log(engine: Engine, *, attempts: int = 5) -> bool:
    """After a deletion on SQLite, leave no copy of the deleted rows in the ``-wal`` file.

    Ally's database runs in WAL mode, and pooled connections keep the ``-wal`` file alive: the
    pages written when the person's text was first stored stay in it after the rows are gone
    (``secure_delete`` only overwrites pages in the database file). A ``TRUNCATE`` checkpoint
    copies the latest pages into the database file and empties the ``-wal`` file. It waits for
    writers (the connection's busy timeout); a reader on an older snapshot makes it report busy,
    so it is tried ``attempts`` times.

    Returns:
        True when the log was emptied (or the database is not SQLite), False when it stayed
        busy: the caller logs it, and the next checkpoint overwrites the old pages.
    """
    if engine.dialect.name != "sqlite":
        return True
    for attempt in range(attempts):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return True
        time.sleep(0.05 * (attempt + 1))
    return False


def _delete(connection: Connection, table: sa.Table, condition: Any) -> int:
    return int(connection.execute(sa.delete(table).where(condition)).rowcount or 0)


def _deidentify(connection: Connection, escalation_ids: list[int]) -> int:
    """Strip the person's escalations down to kind, severity, categories, status, outcome, times."""
    for escalation_id in escalation_ids:
        connection.execute(
            sa.update(escalations)
            .where(escalations.c.id == escalation_id)
            .values(
                conversation_id=DELETED_PREFIX + secrets.token_hex(12),
                message_id=DELETED_PREFIX + secrets.token_hex(12),
                excerpt="",
                matches=[],
                context={},
                claimed_by=None,
            )
        )
    return len(escalation_ids)


def delete_tracker_events(tracker_store: Path | str, conversation_id: str) -> int:
    """Delete one conversation from Rasa's SQL tracker store.

    Rasa 3.6's ``SQLTrackerStore`` keeps every event in one table, ``events``, keyed by
    ``sender_id`` (the conversation id).

    Args:
        tracker_store: the SQLite file (a path: the single-process stack), or the store's
            database URL (``Settings.tracker_store``; scale-out: PostgreSQL database ``rasa``).
        conversation_id: the person's conversation id.

    Returns:
        The number of events deleted; 0 when the store or its table does not exist.

    Raises:
        ValueError: for an empty conversation id.
        sqlalchemy.exc.SQLAlchemyError, sqlite3.Error: the store could not be reached.
    """
    if not conversation_id:
        raise ValueError("conversation_id must not be empty")
    if isinstance(tracker_store, Path):
        return _delete_from_sqlite_file(tracker_store, conversation_id)
    url = sa.engine.make_url(tracker_store)
    if url.get_backend_name() == "sqlite":
        return _delete_from_sqlite_file(Path(url.database or ""), conversation_id)
    return _delete_from_database(url, conversation_id)


def _delete_from_database(url: sa.engine.URL, conversation_id: str) -> int:
    """Delete the conversation's events from a server database (PostgreSQL)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            result = connection.execute(
                sa.text("DELETE FROM events WHERE sender_id = :sender"),
                {"sender": conversation_id},
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()


def _delete_from_sqlite_file(tracker_db_path: Path, conversation_id: str) -> int:
    if not tracker_db_path.is_file():
        return 0
    # mode=rw: never create a tracker store that Rasa has not.
    uri = f"{tracker_db_path.resolve().as_uri()}?mode=rw"
    connection = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        has_events = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
        ).fetchone()
        if has_events is None:
            return 0
        connection.execute("PRAGMA secure_delete = ON")
        with connection:
            cursor = connection.execute(
                "DELETE FROM events WHERE sender_id = ?", (conversation_id,)
            )
        return int(cursor.rowcount)
    finally:
        connection.close()
