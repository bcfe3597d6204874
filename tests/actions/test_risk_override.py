"""The Rasa NLU component that lets the rule-based detector override the classifier."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.risk_override import RiskOverride
from bot.risk import assess


def process(text: str, metadata: dict[str, Any] | None = None, intent: str = "greet") -> Message:
    message = Message(data={"text": text, "metadata": metadata or {}})
    message.set("intent", {"name": intent, "confidence": 0.9})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.9}])
    RiskOverride().process([message])
    return message


def entity(message: Message) -> list[Any]:
    return [e["value"] for e in message.get("entities") or [] if e["entity"] == "escalation_open"]


@pytest.mark.parametrize("text", ["i want to kill myself", "kms", "i took too many pills"])
def test_risk_without_metadata_is_detected_in_rasa(text: str) -> None:
    message = process(text)
    assert message.get("intent") == {"name": "risk_disclosure", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "risk_disclosure"
    assert message.get("risk")["risk"] is True
    assert entity(message) == [True]


def test_web_app_assessment_in_metadata_is_used() -> None:
    flagged = assess("i want to die").to_dict()
    message = process("text the web app already assessed", {"risk": flagged})
    assert message.get("intent")["name"] == "risk_disclosure"
    assert message.get("risk") == flagged


def test_no_risk_keeps_the_classifier_intent_and_passes_escalation_state() -> None:
    message = process("hello there", {"escalation_open": False})
    assert message.get("intent")["name"] == "greet"
    assert entity(message) == [False]
    assert entity(process("hello there")) == []


@pytest.mark.parametrize("text", ["i would never hurt myself", "my feet are killing me"])
def test_classifier_risk_the_rules_reject_is_replaced_but_kept_for_review(text: str) -> None:
    message = Message(data={"text": text, "metadata": {}})
    message.set("intent", {"name": "risk_disclosure", "confidence": 0.9})
    message.set(
        "intent_ranking",
        [
            {"name": "risk_disclosure", "confidence": 0.9},
            {"name": "mood_negative", "confidence": 0.1},
        ],
    )
    RiskOverride().process([message])
    assert message.get("intent") == {"name": "mood_negative", "confidence": 0.1}
    assert [i["name"] for i in message.get("intent_ranking")] == ["mood_negative"]
    assert message.get("risk")["risk"] is False
    assert message.get("risk")["classifier_only"] == 0.9


def test_malformed_metadata_falls_back_to_the_detector() -> None:
    message = process("i want to kill myself", {"risk": {"risk": "maybe"}})
    assert message.get("intent")["name"] == "risk_disclosure"
