"""Rasa NLU component: the risk decision overrides the intent classifier.

Placed last in config.yml's pipeline. It takes the decision the web app put in the message
metadata (rules, learned classifier and the conversation's context: bot/risk/tiers.py), or
decides itself, without context, for messages that did not come through the web app
(``rasa shell``, a direct REST call). On ``escalate`` it sets the intent to ``risk_disclosure``
with confidence 1.0, so the dialogue never depends on the intent classifier for safety; on
``ask`` it sets ``risk_check`` (Ally asks directly), and the web app's reading of an answer to
that question sets ``risk_check_no`` (a "yes" or "not sure" arrives as an
escalation). The detector is also
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
from bot.risk.learning import get_classifier
from bot.risk.tiers import decide, rules_only

logger = logging.getLogger(__name__)

RISK_INTENT = "risk_disclosure"
ASK_INTENT = "risk_check"
DECLINED_INTENT = "risk_check_no"
# Only the risk layer (or the question's buttons, read after this component) sets these: a guess
# of the intent classifier is replaced by its next one.
_SET_BY_RISK = frozenset(
    {RISK_INTENT, ASK_INTENT, DECLINED_INTENT, "risk_check_yes", "risk_check_unsure"}
)
ESCALATION_ENTITY = "escalation_open"
RISK_KEY = "risk"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskOverride(GraphComponent):
    """Sets ``risk_disclosure`` on an escalation and ``risk_check`` on an ask."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskOverride:
        """Build the component, the detector and the classifier (the first message won't wait)."""
        get_detector()
        get_classifier()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of every message that carries risk."""
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        metadata = message.get("metadata") or {}
        assessment, risk_data = _decision_from(metadata, message.get("text") or "")
        classifier = message.get("intent") or {}
        others = [
            i for i in message.get("intent_ranking") or [] if i.get("name") not in _SET_BY_RISK
        ]
        override = _override_intent(assessment, risk_data, metadata)
        if override is not None:
            intent = {"name": override, "confidence": 1.0}
            message.set("intent", intent, add_to_output=True)
            message.set("intent_ranking", [intent, *others], add_to_output=True)
        elif classifier.get("name") in _SET_BY_RISK:
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


def _override_intent(
    assessment: RiskAssessment, risk_data: dict[str, Any], metadata: dict[str, Any]
) -> str | None:
    """The intent the risk decision imposes, if any."""
    if assessment.risk:
        return RISK_INTENT
    if risk_data.get("ask_answer") == "no":
        return DECLINED_INTENT
    if risk_data.get("action") == "ask" and metadata.get(ESCALATION_ENTITY) is not True:
        return ASK_INTENT  # while an escalation is open, the crisis follow-up answers instead
    return None


def _decision_from(metadata: dict[str, Any], text: str) -> tuple[RiskAssessment, dict[str, Any]]:
    """The web app's decision from the metadata, or this component's own (without context)."""
    raw = metadata.get(RISK_KEY)
    if isinstance(raw, dict):
        try:
            return RiskAssessment.from_dict(raw), dict(raw)
        except (ValueError, TypeError, KeyError):
            logger.warning("ignoring malformed risk metadata; assessing the text instead")
    try:
        decision = decide(text)
    except Exception as exc:  # the classifier failing must never cost the rules
        logger.error("risk decision failed, rules alone: %s", type(exc).__name__)
        decision = rules_only(text)
    return decision.assessment, decision.to_dict()
