"""Dialogue test cases: the YAML format (Rasa's end-to-end test cases plus Ally's steps).

A file holds a top-level ``test_cases`` list. Each item has ``test_case: name``, optional
``fixtures`` and ``steps``. See docs/testing-dialogue.md for the format with examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import AllyError

SIGNS = ("+", "-", "0")
DIMENSIONS = ("bond", "goal", "task", "engagement")
SIGNAL_SOURCES = ("behaviour", "survey")
ESCALATION_KINDS = ("risk", "handoff")
HISTORY_KEYS = ("display_name", "checkins", "goals", "tasks")
_NO_VALUE = object()


class TestCaseError(AllyError):
    """A test-case file is malformed; the message names the file and the case."""

    __test__ = False  # not a pytest class


@dataclass(frozen=True)
class Step:
    """One step of a test case.

    Attributes:
        kind: ``user``, ``bot``, ``utter``, ``slot_was_set``, ``intent``, ``escalation`` or
            ``alliance_signal``.
        value: The step's argument, normalised (see :func:`parse_step`).
        index: The position of the step in the case, from 1 (for error messages).
    """

    kind: str
    value: Any
    index: int

    def describe(self) -> str:
        """Return the step as the person wrote it, on one line."""
        return f"{self.kind}: {describe_value(self.value)}"


@dataclass(frozen=True)
class Fixtures:
    """What exists before the first message: slots and the participant's history."""

    slots: dict[str, Any] = field(default_factory=dict)
    history: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TestCase:
    """One named conversation with the steps to send and check."""

    __test__ = False  # not a pytest class

    name: str
    file: str
    steps: tuple[Step, ...]
    fixtures: Fixtures = field(default_factory=Fixtures)

    @property
    def user_turns(self) -> list[str]:
        """The texts the runner sends, in order."""
        return [step.value for step in self.steps if step.kind == "user"]


def describe_value(value: Any) -> str:
    """Render a step value compactly (flow-style YAML, one line)."""
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    dumped = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000)
    return dumped.strip().removesuffix("...").strip()


def load_paths(paths: Iterable[str | Path]) -> list[TestCase]:
    """Load every test case from files and folders (``*.yml``/``*.yaml`` inside folders).

    Raises:
        TestCaseError: for a missing path, unreadable or malformed file, or duplicate names.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yml"), *path.glob("*.yaml")]))
        elif path.is_file():
            files.append(path)
        else:
            raise TestCaseError(f"{path}: no such file or folder")
    if not files:
        raise TestCaseError("no test-case files found (expected *.yml files)")
    cases: list[TestCase] = []
    seen: dict[str, str] = {}
    for path in files:
        for case in load_file(path):
            if case.name in seen:
                raise TestCaseError(
                    f"{path}: test case {case.name!r}: the name is already used in"
                    f" {seen[case.name]}"
                )
            seen[case.name] = str(path)
            cases.append(case)
    return cases


def load_file(path: Path) -> list[TestCase]:
    """Load the test cases of one file.

    Raises:
        TestCaseError: when the file cannot be read or is not in the test-case format.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TestCaseError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise TestCaseError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise TestCaseError(f"{path}: invalid YAML{line}: {getattr(exc, 'problem', exc)}") from None
    return parse_document(raw, str(path))


def parse_document(raw: Any, file: str) -> list[TestCase]:
    """Parse a loaded YAML document into test cases."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("test_cases"), list):
        raise TestCaseError(f"{file}: expected a top-level 'test_cases' list")
    cases = []
    for number, item in enumerate(raw["test_cases"], start=1):
        cases.append(parse_case(item, file, number))
    return cases


def parse_case(item: Any, file: str, number: int) -> TestCase:
    """Parse one ``test_cases`` item."""
    if not isinstance(item, Mapping) or not isinstance(item.get("test_case"), str):
        raise TestCaseError(
            f"{file}: test case #{number}: expected a mapping with 'test_case: name'"
        )
    name = item["test_case"].strip()
    where = f"{file}: test case {name!r}"
    unknown = set(item) - {"test_case", "steps", "fixtures", "metadata"}
    if unknown:
        raise TestCaseError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    raw_steps = item.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise TestCaseError(f"{where}: 'steps' must be a non-empty list")
    steps = tuple(_parse_step_at(raw, index, where) for index, raw in enumerate(raw_steps, 1))
    if steps[0].kind != "user":
        raise TestCaseError(f"{where}: step 1: the first step must be a 'user' step")
    return TestCase(name, file, steps, parse_fixtures(item.get("fixtures"), where))


def _parse_step_at(raw: Any, index: int, where: str) -> Step:
    try:
        return parse_step(raw, index)
    except ValueError as exc:
        raise TestCaseError(f"{where}: step {index}: {exc}") from None


def parse_step(raw: Any, index: int = 1) -> Step:
    """Parse one step mapping such as ``{"user": "hi"}``.

    Raises:
        ValueError: with a one-line explanation of what is wrong.
    """
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise ValueError("expected a mapping with exactly one key, such as 'user: \"hi\"'")
    ((kind, value),) = raw.items()
    parser = _STEP_PARSERS.get(kind)
    if parser is None:
        raise ValueError(f"unknown step {kind!r}; use one of {', '.join(_STEP_PARSERS)}")
    return Step(str(kind), parser(value), index)


def _text(kind: str) -> Any:
    def parse(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f"'{kind}' needs a text")
        text = str(value).strip("\n") if kind == "bot" else str(value).strip()
        if not text:
            raise ValueError(f"'{kind}' needs a non-empty text")
        return text

    return parse


def _name(kind: str) -> Any:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or " " in value.strip():
            raise ValueError(f"'{kind}' needs a name without spaces")
        return value.strip()

    return parse


def _slots(value: Any) -> dict[str, Any]:
    """``name``, ``{name: value}`` or a list of either; a bare name means "any value"."""
    items = value if isinstance(value, list) else [value]
    slots: dict[str, Any] = {}
    for item in items:
        if isinstance(item, str) and item.strip():
            slots[item.strip()] = _NO_VALUE
        elif isinstance(item, Mapping) and item:
            slots.update({str(k): v for k, v in item.items()})
        else:
            raise ValueError("'slot_was_set' needs a slot name, a mapping name: value, or a list")
    return slots


def _escalation(value: Any) -> dict[str, Any] | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        return None
    if not isinstance(value, Mapping):
        raise ValueError("'escalation' needs 'none' or a mapping {severity, categories, kind}")
    unknown = set(value) - {"severity", "categories", "kind"}
    if unknown:
        raise ValueError(f"'escalation' has unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    expected: dict[str, Any] = {"kind": str(value.get("kind", "risk"))}
    if expected["kind"] not in ESCALATION_KINDS:
        raise ValueError(f"escalation kind must be one of {', '.join(ESCALATION_KINDS)}")
    if "severity" in value:
        expected["severity"] = str(value["severity"])
    if "categories" in value:
        categories = value["categories"]
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise ValueError("escalation categories must be a list of names")
        expected["categories"] = sorted(categories)
    return expected


def _alliance_signal(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError("'alliance_signal' needs a mapping {dimension, source, sign}")
    unknown = set(value) - {"dimension", "source", "sign", "cue"}
    if unknown:
        raise ValueError(
            f"'alliance_signal' has unknown key(s) {', '.join(sorted(map(str, unknown)))}"
        )
    expected = {str(k): str(v) for k, v in value.items()}
    if expected.get("dimension") not in DIMENSIONS:
        raise ValueError(f"alliance_signal dimension must be one of {', '.join(DIMENSIONS)}")
    if expected.setdefault("source", "behaviour") not in SIGNAL_SOURCES:
        raise ValueError(f"alliance_signal source must be one of {', '.join(SIGNAL_SOURCES)}")
    if "sign" in expected and expected["sign"] not in SIGNS:
        raise ValueError('alliance_signal sign must be "+", "-" or "0" (quote it in YAML)')
    return expected


_STEP_PARSERS: dict[str, Any] = {
    "user": _text("user"),
    "bot": _text("bot"),
    "utter": _name("utter"),
    "slot_was_set": _slots,
    "intent": _name("intent"),
    "escalation": _escalation,
    "alliance_signal": _alliance_signal,
}


def is_any_value(value: Any) -> bool:
    """True for a ``slot_was_set`` entry given by name only (any value passes)."""
    return value is _NO_VALUE


def parse_fixtures(raw: Any, where: str) -> Fixtures:
    """Parse ``fixtures: {slots: {...}, history: {...}}``."""
    if raw is None:
        return Fixtures()
    if not isinstance(raw, Mapping) or set(raw) - {"slots", "history"}:
        raise TestCaseError(f"{where}: 'fixtures' takes only 'slots' and 'history' mappings")
    slots = raw.get("slots") or {}
    history = raw.get("history") or {}
    if not isinstance(slots, Mapping):
        raise TestCaseError(f"{where}: fixtures.slots must be a mapping of slot name to value")
    if not isinstance(history, Mapping):
        raise TestCaseError(f"{where}: fixtures.history must be a mapping")
    unknown = set(history) - set(HISTORY_KEYS)
    if unknown:
        raise TestCaseError(
            f"{where}: fixtures.history has unknown key(s) {', '.join(sorted(map(str, unknown)))};"
            f" use {', '.join(HISTORY_KEYS)}"
        )
    for key in ("checkins", "goals", "tasks"):
        entries = history.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            raise TestCaseError(f"{where}: fixtures.history.{key} must be a list of mappings")
    return Fixtures(dict(slots), dict(history))
