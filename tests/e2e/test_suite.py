"""Runs the YAML test cases of tests/e2e/ with `ally test-cases` against a real stack."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bot.testing.coverage import compute_coverage, load_runs
from tests.integration.conftest import PROJECT_DIR, Stack

pytestmark = pytest.mark.slow
SUITE = Path(__file__).resolve().parent


def ally(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=PROJECT_DIR,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_every_test_case_passes(stack: Stack, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    runs = tmp_path / "runs"
    done = ally(stack, "test-cases", str(SUITE), "--junit", str(junit), "--results", str(runs))
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    suite = ET.parse(junit).getroot()
    assert int(suite.get("tests", "0")) >= 30
    assert suite.get("failures") == "0" and suite.get("errors") == "0"

    report = compute_coverage(PROJECT_DIR, load_runs(runs))
    # Every risk category and every flow's form is exercised by the suite.
    assert report.exercised["risk categories"] >= set(report.items["risk categories"])
    flows = {"mood_form", "emotion_form", "thought_record_form", "goal_form", "task_form",
             "problem_solving_form", "close_form", "handoff_form"}  # fmt: skip
    assert report.exercised["forms"] >= flows


def test_a_broken_response_text_fails_the_right_case(stack: Stack, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "test_cases:\n"
        "  - test_case: bot challenge with a wrong text\n"
        "    steps:\n"
        '      - user: "are you a real person"\n'
        '      - bot: "I am definitely a human."\n'
        "  - test_case: bot challenge by response name\n"
        "    steps:\n"
        '      - user: "are you a real person"\n'
        "      - utter: utter_bot_challenge\n"
    )
    done = ally(stack, "test-cases", str(broken), "--results", str(tmp_path / "runs"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL    bot challenge with a wrong text" in done.stdout
    assert "pass    bot challenge by response name" in done.stdout
    assert "expected 'I am definitely a human.'" in done.stdout
    assert "actual: \"I'm a bot, not a person." in done.stdout
