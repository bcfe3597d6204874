# ruff: noqa: RUF001  (look-alike Unicode is the point of these tests)
"""Result types: severities, JSON round trip."""

import json

import pytest

from bot.risk import SEVERITIES, RiskAssessment, RiskMatch, assess, max_severity


def test_severity_order() -> None:
    assert SEVERITIES == ("none", "low", "medium", "high", "imminent")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("none", "low", "low"),
        ("high", "medium", "high"),
        ("imminent", "none", "imminent"),
        ("medium", "medium", "medium"),
    ],
)
def test_max_severity(a: str, b: str, expected: str) -> None:
    assert max_severity(a, b) == expected
    assert max_severity(b, a) == expected


def test_max_severity_rejects_unknown_levels() -> None:
    with pytest.raises(ValueError, match="unknown severity 'severe'"):
        max_severity("severe", "low")


@pytest.mark.parametrize(
    "text",
    ["", "i want to kill myself tonight, my dad hits me", "I’m not okay 💀 i want to diiie"],
)
def test_to_dict_from_dict_round_trip_through_json(text: str) -> None:
    result = assess(text)
    data = json.loads(json.dumps(result.to_dict()))
    assert RiskAssessment.from_dict(data) == result
    assert data["categories"] == list(result.categories)


def test_to_dict_shape() -> None:
    data = assess("kms").to_dict()
    assert data["risk"] is True
    assert data["severity"] == "high"
    assert data["categories"] == ["suicidal_ideation"]
    assert data["matches"] == [
        {
            "rule_id": "si_slang_kms",
            "category": "suicidal_ideation",
            "severity": "high",
            "start": 0,
            "end": 3,
            "text": "kms",
        }
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"risk": True, "severity": "huge", "categories": [], "matches": []},
        {"risk": True, "severity": "high", "categories": [], "matches": [{"rule_id": "x"}]},
        {"risk": True, "severity": "high", "categories": 3, "matches": []},
    ],
)
def test_from_dict_rejects_malformed_data(bad: dict) -> None:
    with pytest.raises(ValueError):
        RiskAssessment.from_dict(bad)


def test_results_are_frozen() -> None:
    match = RiskMatch("r", "self_harm", "high", 0, 1, "x")
    with pytest.raises(AttributeError):
        match.start = 5  # type: ignore[misc]
