"""`ally report`: HTML with PNG plots, escaped, and a plain page for an empty database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.config import Settings
from bot.storage import tables as t
from bot.storage.engine import Database
from tests.unit.privacy.people import T0
from tests.unit.research.conftest import PEOPLE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOTS = (
    "alliance_trajectories.png",
    "survey_vs_behaviour.png",
    "engagement.png",
    "escalations_by_category.png",
)


def test_empty_database_gives_a_report_saying_so(
    cli_env: Settings, database: Database, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "There is no data yet" in html
    assert not list(out.glob("*.png"))


def test_report_has_every_plot_and_no_identifying_data(
    cli_env: Settings, populated: Database, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "There is no data yet" not in html
    for name in PLOTS:
        assert (out / name).read_bytes().startswith(PNG_SIGNATURE), name
        assert f'src="{name}"' in html
    for cid, marker in PEOPLE.items():
        assert cid not in html
        assert marker not in html
    assert "suicidal_ideation" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from elsewhere


def test_values_from_the_database_are_escaped(
    cli_env: Settings, populated: Database, tmp_path: Path
) -> None:
    with populated.engine.begin() as connection:
        connection.execute(
            sa.update(t.escalations).values(categories=["<script>alert(1)</script>"])
        )
    out = tmp_path / "report"
    assert main(["report", "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_since_leaves_out_older_data(
    cli_env: Settings, populated: Database, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    since = (T0 + timedelta(days=365)).date().isoformat()
    assert main(["report", "--out", str(out), "--since", since]) == 0
    html = (out / "report.html").read_text()
    assert "There is no data yet" in html
    assert since in html


def test_bad_since_is_refused_before_anything_is_written(
    cli_env: Settings, populated: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out), "--since", "03/04/2024"]) == 2
    assert capsys.readouterr().err.startswith("error: --since: expected a date")
    assert not out.exists()
