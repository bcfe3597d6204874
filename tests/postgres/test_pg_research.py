"""`ally export` and `ally report` against PostgreSQL."""

import csv
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.storage.engine import Database
from tests.unit.privacy.people import insert_person

pytestmark = pytest.mark.postgres

PEOPLE = {"conv-pg-a": "pg-text-a", "conv-pg-b": "pg-text-b"}


@pytest.fixture
def env(pg_settings: Settings, pg_database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLY_ENV", "test")
    monkeypatch.setenv("ALLY_PROJECT_DIR", str(pg_settings.project_dir))
    monkeypatch.setenv("ALLY_VAR_DIR", str(pg_settings.var_dir))
    monkeypatch.setenv("ALLY_DATABASE_URL", pg_settings.database_url)
    for cid, marker in PEOPLE.items():
        pg_database.run_sync(insert_person, conversation_id=cid, marker=marker)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export(env: None, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--format", fmt]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["row_counts"]["checkins"] == 6
    assert manifest["schema_revision"] == "0005"
    everything = b"".join(p.read_bytes() for p in out.iterdir())
    for cid, marker in PEOPLE.items():
        assert cid.encode() not in everything
        assert marker.encode() not in everything
    if fmt == "csv":
        with (out / "checkins.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows[0]["started_at"].endswith("+00:00")


def test_since_on_postgres(env: None, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--since", "2024-03-10"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["row_counts"]["checkins"] == 4


def test_report(env: None, tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "alliance_trajectories.png" in html
    assert (out / "escalations_by_category.png").is_file()
