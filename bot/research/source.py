"""Reading Ally's database for research: read-only, schema-checked, pseudonymised rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.clock import as_utc
from bot.research.dictionary import TableSpec
from bot.research.options import ResearchInputError
from bot.research.pseudonyms import Pseudonymiser
from bot.storage.engine import create_engine
from bot.storage.tables import metadata

BATCH_ROWS = 5000


def open_engine(url: str) -> Engine:
    """Open Ally's database without creating it.

    Raises:
        ResearchInputError: when an SQLite file does not exist (nothing to read, nothing made).
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            raise ResearchInputError(f"ALLY_DATABASE_URL: no database at {database or url}")
    return create_engine(url)


def schema_revision(connection: Connection) -> str:
    """The alembic revision of the database.

    Raises:
        ResearchInputError: when the database has no Ally schema.
    """
    inspector = sa.inspect(connection)
    if not inspector.has_table("alembic_version"):
        raise ResearchInputError("the database has no Ally schema yet; run `ally db upgrade`")
    revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(revision)


def read_rows(
    connection: Connection,
    spec: TableSpec,
    pseudonyms: Pseudonymiser,
    *,
    include_text: bool,
    since: datetime | None,
) -> Iterator[dict[str, Any]]:
    """Yield the table's rows as the export shows them (ordered by primary key)."""
    table = metadata.tables[spec.name]
    columns = spec.exported_columns(include_text=include_text)
    needed = {c.name for c in columns} | (
        {"target_type"} if any(c.treatment == "target" for c in columns) else set()
    )
    query = sa.select(*[column for column in table.columns if column.name in needed])
    if since is not None:
        query = query.where(table.c[spec.since] >= since)
    query = query.order_by(*table.primary_key.columns)
    result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(query)
    for row in result.mappings():
        yield {c.export_name: _value(c.treatment, c.name, row, pseudonyms) for c in columns}


def _value(treatment: str, name: str, row: Any, pseudonyms: Pseudonymiser) -> Any:
    value = row[name]
    if treatment == "participant":
        return pseudonyms.participant(value)
    if treatment == "supporter":
        return pseudonyms.supporter(value)
    if treatment == "actor":
        return pseudonyms.actor(value)
    if treatment == "target":
        return pseudonyms.target(row["target_type"], value)
    if isinstance(value, datetime):
        return as_utc(value)
    return value


def to_text(value: Any) -> Any:
    """A JSON-safe form: timestamps as ISO 8601, lists and dicts kept."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def json_text(value: Any) -> str:
    """Compact, stable JSON for a list or dict value in a flat file."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
