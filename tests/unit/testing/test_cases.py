from __future__ import annotations

from pathlib import Path

import pytest

from bot.testing.cases import TestCaseError, is_any_value, load_paths, parse_step


def write(tmp_path: Path, text: str, name: str = "cases.yml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_file_with_every_step_kind_is_parsed(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
test_cases:
  - test_case: all steps
    fixtures:
      slots: {display_name: Sam}
      history:
        goals: [{text: walk}]
    steps:
      - user: "hi"
      - intent: greet
      - bot: "Hello."
      - utter: utter_greet
      - slot_was_set: mood_rating
      - slot_was_set: {mood_rating: 3}
      - escalation: none
      - escalation: {severity: high, categories: [self_harm]}
      - alliance_signal: {dimension: bond, sign: "+"}
""",
    )
    (case,) = load_paths([tmp_path])
    assert case.name == "all steps" and case.user_turns == ["hi"]
    assert case.fixtures.slots == {"display_name": "Sam"}
    assert case.fixtures.history == {"goals": [{"text": "walk"}]}
    kinds = [step.kind for step in case.steps]
    assert kinds[:4] == ["user", "intent", "bot", "utter"]
    assert is_any_value(case.steps[4].value["mood_rating"])
    assert case.steps[5].value == {"mood_rating": 3}
    assert case.steps[6].value is None
    assert case.steps[7].value == {"kind": "risk", "severity": "high", "categories": ["self_harm"]}
    assert case.steps[8].value == {"dimension": "bond", "sign": "+", "source": "behaviour"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("steps: []", "expected a top-level 'test_cases' list"),
        ("test_cases:\n  - steps: [{user: hi}]", "test case #1: expected a mapping"),
        ("test_cases:\n  - test_case: x\n    steps: []", "'x': 'steps' must be a non-empty list"),
        ("test_cases:\n  - test_case: x\n    steps: [{bot: hi}]", "the first step must be"),
        (
            "test_cases:\n  - test_case: x\n    steps: [{user: hi}, {shout: a}]",
            "step 2: unknown step",
        ),
        (
            "test_cases:\n  - test_case: x\n    steps: [{user: hi},"
            " {alliance_signal: {dimension: bond, sign: '++'}}]",
            "step 2: alliance_signal sign",
        ),
        (
            "test_cases:\n  - test_case: x\n    fixtures: {history: {pets: 1}}\n"
            "    steps: [{user: hi}]",
            "fixtures.history has unknown key(s) pets",
        ),
        ("test_cases: [\n", "invalid YAML (line"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_case(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TestCaseError) as raised:
        load_paths([path])
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_duplicate_names_and_missing_paths_are_refused(tmp_path: Path) -> None:
    case = "test_cases:\n  - test_case: same\n    steps: [{user: hi}]\n"
    write(tmp_path, case, "a.yml")
    write(tmp_path, case, "b.yml")
    with pytest.raises(TestCaseError, match="already used in"):
        load_paths([tmp_path])
    with pytest.raises(TestCaseError, match="no such file or folder"):
        load_paths([tmp_path / "missing.yml"])


def test_step_values_are_checked() -> None:
    with pytest.raises(ValueError, match="exactly one key"):
        parse_step({"user": "a", "bot": "b"})
    with pytest.raises(ValueError, match="needs a name without spaces"):
        parse_step({"utter": "two words"})
    with pytest.raises(ValueError, match="kind must be one of"):
        parse_step({"escalation": {"kind": "fire"}})
