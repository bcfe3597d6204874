from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import PROJECT_DIR


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLY_ENV", "test")
    monkeypatch.setenv("ALLY_PROJECT_DIR", str(PROJECT_DIR))
    monkeypatch.setenv("ALLY_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ALLY_DATABASE_URL", f"sqlite:///{tmp_path / 'ally.db'}")


def test_a_malformed_file_is_one_line_naming_file_case_and_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "test_cases:\n  - test_case: oops\n    steps:\n      - user: hi\n      - utter: a b\n"
    )
    assert main(["test-cases", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {bad}: test case 'oops': step 2: 'utter' needs a name without spaces\n"


def test_rasa_down_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "ok.yml"
    cases.write_text("test_cases:\n  - test_case: fine\n    steps:\n      - user: hi\n")
    code = main(["test-cases", str(cases), "--rasa-url", "http://127.0.0.1:9", "--results",
                 str(tmp_path / "runs")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach Rasa at http://127.0.0.1:9")
    assert "Traceback" not in err


def test_coverage_without_runs_and_transcript_without_a_conversation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["coverage", "--runs", str(tmp_path / "none")]) == 2
    assert "no run records" in capsys.readouterr().err
    assert main(["transcript", "nobody"]) == 2
    assert "no tracker store at" in capsys.readouterr().err


def test_coverage_threshold_sets_the_exit_code(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "run-1.json").write_text('{"cases": []}')
    html = tmp_path / "cov.html"
    assert main(["coverage", "--runs", str(runs), "--html", str(html)]) == 1
    assert "Ally dialogue coverage" in html.read_text()
    assert main(["coverage", "--runs", str(runs), "--threshold", "0"]) == 0
