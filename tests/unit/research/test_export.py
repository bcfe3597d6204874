"""`ally export` end to end through the CLI entry point, on SQLite."""

from __future__ import annotations

import csv
import hashlib
import hmac
import importlib.util
import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.config import Settings
from bot.storage import tables as t
from bot.storage.engine import Database
from tests.unit.privacy.people import T0, insert_person
from tests.unit.research.conftest import PEOPLE, SALT

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
PEOPLE_TABLES = set(t.metadata.tables)


def _pseudonym(cid: str) -> str:
    return hmac.new(SALT.encode(), cid.encode(), hashlib.sha256).hexdigest()[:16]


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _snapshot(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for name, table in t.metadata.tables.items()
        }


def test_csv_export_is_pseudonymised_and_text_free(
    cli_env: Settings, populated: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"checkins.csv", "escalations.csv", "audit_log.csv", "manifest.json"} <= names
    assert {"data_dictionary.csv", "data_dictionary.md"} <= names
    assert not {"supporters.csv", "supporter_sessions.csv", "webhook_outbox.csv"} & names
    assert not [n for n in names if n.startswith(".")]  # no staging folder left behind
    everything = _all_bytes(out)
    for cid, marker in PEOPLE.items():
        assert cid.encode() not in everything
        assert marker.encode() not in everything
    assert SALT.encode() not in everything
    data_files = b"".join(p.read_bytes() for p in out.glob("*.csv") if p.stem in PEOPLE_TABLES)
    assert b"sam" not in data_files  # supporter usernames are pseudonymised too
    participants = _read_csv(out / "participants.csv")
    assert {row["participant"] for row in participants} == {_pseudonym(c) for c in PEOPLE}
    assert "display_name" not in participants[0]
    audit = _read_csv(out / "audit_log.csv")
    assert {row["target_id"] for row in audit if row["target_type"] == "conversation"} == {
        _pseudonym(c) for c in PEOPLE
    }
    assert "export: checkins: 6 rows" in capsys.readouterr().err


def test_manifest_describes_the_export(
    cli_env: Settings, populated: Database, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--format", "jsonl", "--since", "2024-03-10"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "jsonl"
    assert manifest["since"] == "2024-03-10"
    assert manifest["include_text"] is False
    assert manifest["schema_revision"] == "0005"
    assert manifest["instrument"] == "wai_sr_chatbot"
    assert manifest["row_counts"]["checkins"] == 4  # two of each person's three are after
    for name, count in manifest["row_counts"].items():
        lines = (out / f"{name}.jsonl").read_text().splitlines()
        assert len(lines) == count, name
    assert manifest["created_at"]


def test_every_exported_column_is_in_the_data_dictionary(
    cli_env: Settings, populated: Database, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--include-text"]) == 0
    documented = {(r["table"], r["column"]) for r in _read_csv(out / "data_dictionary.csv")}
    exported = set()
    for path in out.glob("*.csv"):
        if path.name == "data_dictionary.csv":
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        exported |= {(path.stem, column) for column in header}
    assert exported == documented
    assert "## thought_records" in (out / "data_dictionary.md").read_text()


def test_include_text_exports_what_people_typed(
    cli_env: Settings, populated: Database, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--include-text"]) == 0
    records = _read_csv(out / "thought_records.csv")
    assert {r["situation"] for r in records} == {f"{m} situation" for m in PEOPLE.values()}
    assert json.loads(_read_csv(out / "checkins.csv")[0]["emotions"])[1] == "sad"
    # Ids stay pseudonymised even with text.
    assert {r["participant"] for r in records} == {_pseudonym(c) for c in PEOPLE}


def test_jsonl_keeps_types(cli_env: Settings, populated: Database, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--format", "jsonl"]) == 0
    first = json.loads((out / "survey_administrations.jsonl").read_text().splitlines()[0])
    assert first["scores"] == {"bond": 3.0, "goal": 3.5, "task": 2.5}
    assert first["started_at"].startswith("2024-03-04T09:00:00")
    assert first["started_at"].endswith("+00:00")
    assert isinstance(first["id"], int)


def test_parquet_export_or_a_clear_refusal_without_pyarrow(
    cli_env: Settings,
    populated: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "export"
    code = main(["export", "--out", str(out), "--format", "parquet"])
    if not HAS_PYARROW:  # the Rasa environment: refused before anything is written
        assert code == 2
        assert "needs pyarrow" in capsys.readouterr().err
        assert not out.exists()
        return
    import pyarrow.parquet as pq

    assert code == 0
    table = pq.read_table(out / "checkins.parquet")
    assert table.num_rows == 6
    assert str(table.schema.field("started_at").type) == "timestamp[us, tz=UTC]"
    assert set(table.column("participant").to_pylist()) == {_pseudonym(c) for c in PEOPLE}
    empty = pq.read_table(out / "conversation_sessions.parquet")
    assert empty.num_rows == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-13-01"], "--since: expected a date as YYYY-MM-DD"),
        (["--since", "yesterday"], "--since: expected a date as YYYY-MM-DD"),
        (["--format", "xlsx"], "--format: expected one of csv, jsonl, parquet"),
    ],
)
def test_bad_options_fail_cleanly_and_change_nothing(
    cli_env: Settings,
    populated: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "export"
    before = _snapshot(populated)
    assert main(["export", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}")
    assert err.count("\n") == 1
    assert not out.exists()
    assert _snapshot(populated) == before


def test_out_that_is_a_file_or_under_a_file_is_refused(
    cli_env: Settings, populated: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me")
    before = _snapshot(populated)
    assert main(["export", "--out", str(a_file)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err
    assert main(["export", "--out", str(a_file / "sub")]) == 2
    assert "is not a directory" in capsys.readouterr().err
    assert a_file.read_text() == "keep me"
    assert _snapshot(populated) == before


def test_unwritable_out_is_refused(
    cli_env: Settings, populated: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc refuses new folders even to root, for whom permission bits do not count.
    before = _snapshot(populated)
    assert main(["export", "--out", "/proc/ally-export-test"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert _snapshot(populated) == before


def test_a_missing_database_is_refused_and_not_created(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out)]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "ally.db").exists()
    assert not out.exists()


def test_a_successful_export_is_audited_without_ids(
    cli_env: Settings, populated: Database, tmp_path: Path
) -> None:
    assert main(["export", "--out", str(tmp_path / "export")]) == 0
    with populated.engine.connect() as connection:
        row = connection.execute(
            sa.select(t.audit_log).where(t.audit_log.c.action == "data_exported")
        ).one()
    assert row.actor == "system"
    assert row.detail["format"] == "csv"
    assert row.detail["rows"] > 0


def test_since_filters_each_table_on_its_own_time_column(
    cli_env: Settings, database: Database, tmp_path: Path
) -> None:
    database.run_sync(insert_person, conversation_id="conv-old", marker="m-old")
    database.run_sync(
        insert_person, conversation_id="conv-new", marker="m-new", start=T0 + timedelta(days=60)
    )
    out = tmp_path / "export"
    since = (T0 + timedelta(days=59)).date().isoformat()
    assert main(["export", "--out", str(out), "--since", since]) == 0
    participants = _read_csv(out / "participants.csv")
    assert [row["participant"] for row in participants] == [_pseudonym("conv-new")]
    assert {row["participant"] for row in _read_csv(out / "tasks.csv")} == {_pseudonym("conv-new")}
