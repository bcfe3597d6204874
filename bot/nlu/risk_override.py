"""Rasa NLU component: the rule-based risk assessment overrides the intent classifier.

Placed last in config.yml's pipeline. It takes the assessment the web app put in the message
metadata, or runs the detector itself for messages that did not come through the web app
(``rasa shell``, a direct REST call). On risk it sets the intent to ``risk_disclosure`` with
confidence 1.0, so the dialogue never depends on the classifier for safety. The detector is also
authoritative the other way: a ``risk_disclosure`` guess by the classifier that the reviewed
rules do not confirm (typically a negation or an idiom such as "my feet are killing me") is
replaced by the classifier's next intent and kept as ``risk.classifier_only`` for review. It also
turns the
web app's ``escalation_open`` flag into an entity, which fills the ``escalation_open`` slot
inside Rasa, with no action server involved.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from bot.risk import RiskAssessment, get_detector

logger = logging.getLogger(__name__)

RISK_INTENT = "risk_disclosure"
ESCALATION_ENTITY = "escalation_open"
RISK_KEY = "risk"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskOverride(GraphComponent):
    """Sets ``risk_disclosure`` whenever the rule-based detector finds risk."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskOverride:
        """Build the component and the detector (so the first message does not wait)."""
        get_detector()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of every message that carries risk."""
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        metadata = message.get("metadata") or {}
        assessment = _assessment_from(metadata, message.get("text") or "")
        classifier = message.get("intent") or {}
        others = [i for i in message.get("intent_ranking") or [] if i.get("name") != RISK_INTENT]
        risk_data = assessment.to_dict()
        if assessment.risk:
            intent = {"name": RISK_INTENT, "confidence": 1.0}
            message.set("intent", intent, add_to_output=True)
            message.set("intent_ranking", [intent, *others], add_to_output=True)
        elif classifier.get("name") == RISK_INTENT:
            risk_data["classifier_only"] = classifier.get("confidence")
            fallback = others[0] if others else {"name": "nlu_fallback", "confidence": 0.0}
            message.set("intent", fallback, add_to_output=True)
            message.set("intent_ranking", others, add_to_output=True)
        message.set(RISK_KEY, risk_data, add_to_output=True)
        escalation_open = metadata.get(ESCALATION_ENTITY)
        if assessment.risk:
            escalation_open = True
        if isinstance(escalation_open, bool):
            entities = [
                e for e in message.get("entities") or [] if e.get("entity") != ESCALATION_ENTITY
            ]
            entities.append(
                {"entity": ESCALATION_ENTITY, "value": escalation_open, "start": 0, "end": 0,
                 "extractor": type(self).__name__}
            )  # fmt: skip
            message.set("entities", entities, add_to_output=True)


def _assessment_from(metadata: dict[str, Any], text: str) -> RiskAssessment:
    raw = metadata.get(RISK_KEY)
    if isinstance(raw, dict):
        try:
            return RiskAssessment.from_dict(raw)
        except (ValueError, TypeError, KeyError):
            logger.warning("ignoring malformed risk metadata; assessing the text instead")
    return get_detector().assess(text)
