"""``ally export``: one pseudonymised file per table, the data dictionary and a manifest.

Everything is written into a hidden folder inside ``--out`` and moved into place only when the
whole export succeeded, so a failed export leaves no partial files behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.clock import utcnow
from bot.research.dictionary import Dictionary, load_dictionary, write_dictionary
from bot.research.options import check_format, check_out_dir, parse_since
from bot.research.pseudonyms import PSEUDONYM_HEX_CHARS, Pseudonymiser
from bot.research.source import read_rows, schema_revision
from bot.research.writers import EXTENSIONS, open_writer, parquet_available
from bot.storage.audit import record_audit
from bot.storage.tables import survey_administrations

PROGRESS_EVERY = 10_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ExportRequest:
    """Validated ``ally export`` options."""

    out_dir: Path
    fmt: str
    since: datetime | None
    include_text: bool

    @classmethod
    def parse(cls, *, out: str, fmt: str, since: str | None, include_text: bool) -> ExportRequest:
        """Check every option before anything is read or written.

        Raises:
            ResearchInputError: naming the first unusable option.
        """
        return cls(
            out_dir=check_out_dir(out),
            fmt=check_format(fmt, parquet_available=parquet_available()),
            since=parse_since(since),
            include_text=include_text,
        )


def export(
    engine: Engine,
    request: ExportRequest,
    *,
    salt: str,
    instrument: str,
    progress: Progress = lambda _line: None,
) -> dict[str, Any]:
    """Write the export into ``request.out_dir`` and return its manifest.

    Raises:
        ResearchInputError: when the database has no Ally schema (nothing is written).
    """
    dictionary = load_dictionary()
    pseudonyms = Pseudonymiser(salt)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One consistent snapshot across all tables.
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision = schema_revision(connection)
            request.out_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".ally-export-", dir=request.out_dir))
            try:
                counts = _write_tables(
                    connection, dictionary, pseudonyms, request, staging, progress
                )
                instruments = sorted(
                    connection.execute(sa.select(survey_administrations.c.instrument).distinct())
                    .scalars()
                    .all()
                )
                write_dictionary(staging, dictionary, include_text=request.include_text)
                manifest = _manifest(request, revision, counts, instrument, instruments, dictionary)
                (staging / "manifest.json").write_text(
                    json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
                )
                for path in staging.iterdir():
                    os.replace(path, request.out_dir / path.name)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    with engine.begin() as connection:
        record_audit(
            connection,
            actor="system",
            action="data_exported",
            target_type="export",
            detail={
                "format": request.fmt,
                "since": manifest["since"],
                "include_text": request.include_text,
                "rows": sum(counts.values()),
            },
        )
    progress(f"export: {sum(counts.values())} rows in {len(counts)} tables to {request.out_dir}")
    return manifest


def _write_tables(
    connection: Connection,
    dictionary: Dictionary,
    pseudonyms: Pseudonymiser,
    request: ExportRequest,
    staging: Path,
    progress: Progress,
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for spec in dictionary.tables:
        columns = spec.exported_columns(include_text=request.include_text)
        path = staging / f"{spec.name}.{EXTENSIONS[request.fmt]}"
        writer = open_writer(request.fmt, path, columns)
        count = 0
        try:
            for row in read_rows(
                connection,
                spec,
                pseudonyms,
                include_text=request.include_text,
                since=request.since,
            ):
                writer.write(row)
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress(f"export: {spec.name}: {count} rows ...")
        finally:
            writer.close()
        counts[spec.name] = count
        progress(f"export: {spec.name}: {count} rows")
    return counts


def _manifest(
    request: ExportRequest,
    revision: str,
    counts: dict[str, int],
    instrument: str,
    instruments: list[str],
    dictionary: Dictionary,
) -> dict[str, Any]:
    return {
        "format": request.fmt,
        "since": request.since.date().isoformat() if request.since else None,
        "include_text": request.include_text,
        "created_at": utcnow().isoformat(),
        "schema_revision": revision,
        "row_counts": counts,
        "instrument": instrument,
        "instruments_in_data": instruments,
        "pseudonymisation": f"HMAC-SHA256 with a secret salt, first {PSEUDONYM_HEX_CHARS} hex",
        "files": [f"{name}.{EXTENSIONS[request.fmt]}" for name in counts]
        + ["data_dictionary.csv", "data_dictionary.md", "manifest.json"],
        "excluded_tables": sorted(dictionary.excluded),
    }
