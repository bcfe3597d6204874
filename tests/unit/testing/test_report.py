from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.testing.cases import TestCase, parse_step
from bot.testing.matching import StepFailure
from bot.testing.report import console_table, junit_xml
from bot.testing.runner import CaseResult


def results() -> list[CaseResult]:
    step = parse_step({"bot": "Hello."}, 2)
    case = TestCase("greets", "tests/e2e/core.yml", (parse_step({"user": "hi"}), step))
    other = TestCase("breaks", "tests/e2e/core.yml", (parse_step({"user": "hi"}),))
    return [
        CaseResult(case, "e2e-1", 1.25),
        CaseResult(case, "e2e-2", 0.5, failure=StepFailure(step, "'Hello.'", "'Hi <there>'")),
        CaseResult(other, "e2e-3", 0.1, error="cannot reach Rasa"),
    ]


def test_junit_xml_has_one_testcase_per_case_with_failures_and_errors() -> None:
    suite = ET.fromstring(junit_xml(results()))
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["greets", "greets", "breaks"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "step 2 (bot): expected 'Hello.'"
    assert "'Hi <there>'" in (failure.text or "") and "e2e-2" in (failure.text or "")
    error = cases[2].find("error")
    assert error is not None and error.get("message") == "cannot reach Rasa"


def test_console_table_shows_expected_against_actual() -> None:
    table = console_table(results())
    assert "pass    greets" in table and "FAIL    breaks" in table
    assert "step 2 (bot): expected 'Hello.'" in table and "actual: 'Hi <there>'" in table
    assert table.endswith("1 passed, 2 failed, 3 test cases")
