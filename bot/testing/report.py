"""Test-case results for people (a console table) and for CI (JUnit XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from bot.testing.runner import CaseResult


def console_table(results: Sequence[CaseResult]) -> str:
    """A table with one line per case and, under each failure, expected against actual."""
    width = max([len(r.case.name) for r in results] + [9])
    lines = [f"{'result':<6}  {'test case':<{width}}  {'seconds':>7}  file", "-" * (width + 30)]
    for result in results:
        status = "pass" if result.passed else "FAIL"
        lines.append(
            f"{status:<6}  {result.case.name:<{width}}  {result.seconds:>7.1f}  {result.case.file}"
        )
        if not result.passed:
            lines.extend(f"        {line}" for line in result.problem().splitlines())
            lines.append(f"        conversation: {result.conversation_id}")
    failed = sum(not r.passed for r in results)
    lines.append("-" * (width + 30))
    lines.append(f"{len(results) - failed} passed, {failed} failed, {len(results)} test cases")
    return "\n".join(lines)


def junit_xml(results: Sequence[CaseResult], suite_name: str = "ally-test-cases") -> str:
    """Render results as JUnit XML (one testsuite, one testcase per case)."""
    failures = sum(r.failure is not None and r.error is None for r in results)
    errors = sum(r.error is not None for r in results)
    suite = ET.Element(
        "testsuite",
        name=suite_name,
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=Path(result.case.file).stem,
            name=result.case.name,
            file=result.case.file,
            time=f"{result.seconds:.3f}",
        )
        if result.error is not None:
            node = ET.SubElement(case, "error", message=result.error)
            node.text = f"conversation: {result.conversation_id}"
        elif result.failure is not None:
            node = ET.SubElement(case, "failure", message=result.failure.describe().splitlines()[0])
            node.text = f"{result.failure.describe()}\nconversation: {result.conversation_id}"
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(results: Sequence[CaseResult], path: Path) -> None:
    """Write the JUnit XML report, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(results), encoding="utf-8")
