"""One file per table in CSV, JSON Lines or Parquet, written row by row."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from typing import IO, Any, Protocol

from bot.research.dictionary import ColumnSpec
from bot.research.source import BATCH_ROWS, json_text, to_text

EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}


def parquet_available() -> bool:
    """Whether pyarrow is installed (it is in the web environment only)."""
    return importlib.util.find_spec("pyarrow") is not None


class TableWriter(Protocol):
    """Writes one table's rows to one file."""

    def write(self, row: dict[str, Any]) -> None:
        """Append one row."""

    def close(self) -> None:
        """Finish the file."""


class CsvWriter:
    """CSV with a header; JSON values as compact JSON, empty cells for missing values."""

    def __init__(self, path: Path, columns: list[ColumnSpec]) -> None:
        self._handle: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.DictWriter(self._handle, fieldnames=[c.export_name for c in columns])
        self._writer.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        """Append one row."""
        self._writer.writerow({key: _cell(value) for key, value in row.items()})

    def close(self) -> None:
        """Finish the file."""
        self._handle.close()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json_text(value)
    return to_text(value)


class JsonlWriter:
    """One JSON object per line, keys in the dictionary's column order."""

    def __init__(self, path: Path, columns: list[ColumnSpec]) -> None:
        self._handle: IO[str] = path.open("w", encoding="utf-8")

    def write(self, row: dict[str, Any]) -> None:
        """Append one row."""
        data = {key: to_text(value) for key, value in row.items()}
        self._handle.write(json.dumps(data, ensure_ascii=False) + "\n")

    def close(self) -> None:
        """Finish the file."""
        self._handle.close()


class ParquetWriter:
    """Parquet with a schema from the dictionary's types (JSON values as JSON text)."""

    def __init__(self, path: Path, columns: list[ColumnSpec]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        kinds = {
            "integer": pa.int64(),
            "number": pa.float64(),
            "boolean": pa.bool_(),
            "timestamp (UTC, ISO 8601)": pa.timestamp("us", tz="UTC"),
        }
        self._schema = pa.schema(
            [pa.field(c.export_name, kinds.get(c.kind, pa.string())) for c in columns]
        )
        self._json = {c.export_name for c in columns if c.kind == "JSON"}
        self._rows: list[dict[str, Any]] = []
        self._writer = pq.ParquetWriter(str(path), self._schema)

    def write(self, row: dict[str, Any]) -> None:
        """Append one row (buffered in batches)."""
        for key in self._json:
            if row[key] is not None:
                row[key] = json_text(row[key])
        self._rows.append(row)
        if len(self._rows) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self._schema))
        self._rows = []

    def close(self) -> None:
        """Write the last batch (an empty table keeps the schema) and finish the file."""
        self._flush()
        self._writer.close()


def open_writer(fmt: str, path: Path, columns: list[ColumnSpec]) -> TableWriter:
    """Return the writer for ``fmt``."""
    writer_class: Any = {"csv": CsvWriter, "jsonl": JsonlWriter, "parquet": ParquetWriter}[fmt]
    return writer_class(path, columns)  # type: ignore[no-any-return]
