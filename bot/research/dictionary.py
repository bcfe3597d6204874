"""The data dictionary (data/dictionary.yml): what each exported column means and how it leaves."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from bot.storage.tables import metadata

DICTIONARY_PATH = Path(__file__).resolve().parent / "data" / "dictionary.yml"
TREATMENTS = ("keep", "participant", "supporter", "actor", "target", "text", "never")


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its source name, exported name, treatment and meaning."""

    name: str
    export_name: str
    treatment: str
    description: str
    kind: str

    def exported(self, *, include_text: bool) -> bool:
        """Whether the column leaves the database under these options."""
        if self.treatment == "never":
            return False
        return include_text or self.treatment != "text"


@dataclass(frozen=True)
class TableSpec:
    """One exported table."""

    name: str
    description: str
    since: str
    columns: tuple[ColumnSpec, ...]

    def exported_columns(self, *, include_text: bool) -> list[ColumnSpec]:
        """The columns written under these options, in table order."""
        return [c for c in self.columns if c.exported(include_text=include_text)]


@dataclass(frozen=True)
class Dictionary:
    """Every exported table, and the tables deliberately left out."""

    tables: tuple[TableSpec, ...]
    excluded: dict[str, str]


def column_kind(column: sa.Column[Any]) -> str:
    """A researcher-facing type name for a column."""
    if isinstance(column.type, sa.Boolean):
        return "boolean"
    if isinstance(column.type, sa.Integer):
        return "integer"
    if isinstance(column.type, sa.Float):
        return "number"
    if isinstance(column.type, sa.DateTime):
        return "timestamp (UTC, ISO 8601)"
    if isinstance(column.type, sa.JSON):
        return "JSON"
    return "text"


@lru_cache(maxsize=1)
def load_dictionary(path: Path = DICTIONARY_PATH) -> Dictionary:
    """Read and check the dictionary against the schema.

    Raises:
        ValueError: when a table or column of the schema is missing or unknown, or a treatment
            is not one of :data:`TREATMENTS`.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    excluded = dict(raw.get("excluded_tables") or {})
    tables = []
    for name, spec in raw["tables"].items():
        if name not in metadata.tables:
            raise ValueError(f"{path.name}: unknown table {name!r}")
        table = metadata.tables[name]
        documented = spec["columns"]
        if set(documented) != set(table.columns.keys()):
            raise ValueError(
                f"{path.name}: {name} documents {sorted(documented)}, "
                f"the schema has {sorted(table.columns.keys())}"
            )
        if spec["since"] not in table.columns:
            raise ValueError(f"{path.name}: {name}.since names no column")
        columns = []
        for column in table.columns:
            entry = documented[column.name]
            if entry["export"] not in TREATMENTS:
                raise ValueError(f"{path.name}: {name}.{column.name}: bad export {entry['export']}")
            columns.append(
                ColumnSpec(
                    name=column.name,
                    export_name="participant" if entry["export"] == "participant" else column.name,
                    treatment=entry["export"],
                    description=str(entry["description"]),
                    kind="text (16 hex)"
                    if entry["export"] in ("participant", "supporter")
                    else column_kind(column),
                )
            )
        tables.append(TableSpec(name, str(spec["description"]), spec["since"], tuple(columns)))
    missing = set(metadata.tables) - {t.name for t in tables} - set(excluded)
    if missing:
        raise ValueError(f"{path.name}: tables neither exported nor excluded: {sorted(missing)}")
    return Dictionary(tuple(tables), excluded)


DICTIONARY_FIELDS = ("table", "column", "type", "treatment", "description")


def dictionary_rows(dictionary: Dictionary, *, include_text: bool) -> list[dict[str, str]]:
    """One row per exported column."""
    return [
        {
            "table": table.name,
            "column": column.export_name,
            "type": column.kind,
            "treatment": column.treatment,
            "description": column.description,
        }
        for table in dictionary.tables
        for column in table.exported_columns(include_text=include_text)
    ]


def write_dictionary(out_dir: Path, dictionary: Dictionary, *, include_text: bool) -> None:
    """Write ``data_dictionary.csv`` and ``data_dictionary.md`` into ``out_dir``."""
    rows = dictionary_rows(dictionary, include_text=include_text)
    with (out_dir / "data_dictionary.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=DICTIONARY_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "# Ally research export: data dictionary",
        "",
        "`participant` is HMAC-SHA256(secret salt, conversation id), 16 hex characters; supporter",
        "names are pseudonymised the same way. Timestamps are UTC. See docs/research.md.",
    ]
    for table in dictionary.tables:
        lines += ["", f"## {table.name}", "", table.description, ""]
        lines += ["| Column | Type | Treatment | Description |", "| --- | --- | --- | --- |"]
        for column in table.exported_columns(include_text=include_text):
            cells = (column.export_name, column.kind, column.treatment, column.description)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", "## Not exported", ""]
    lines += [f"- `{name}`: {reason}" for name, reason in dictionary.excluded.items()]
    (out_dir / "data_dictionary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
