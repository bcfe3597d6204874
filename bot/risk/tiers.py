"""What Ally does about a message: ``escalate``, ``ask`` or ``none``.

Three readings are combined (thresholds in ``bot/risk/data/tiers.yml``):

1. The reviewed rules (:mod:`bot.risk.detector`). A match of high or imminent severity always
   escalates, whatever else is said.
2. The learned classifier (:mod:`bot.risk.classifier`): a calibrated probability.
3. The conversation (:class:`Context`): a low mood rating, hopeless or goodbye words, or an
   earlier flag in the person's recent messages lower the thresholds for a weak signal now.

``ask`` means Ally asks directly and kindly whether the person is thinking of ending their life
(see docs/dialogue.md); it never escalates by itself.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.risk.assessment import NO_RISK, RiskAssessment, RiskMatch, severity_rank

if TYPE_CHECKING:
    from bot.risk.classifier import RiskClassifier

ACTIONS = ("none", "ask", "escalate")
SUICIDE_CATEGORIES = frozenset({"suicidal_ideation", "suicide_plan_or_means"})
CLASSIFIER_RULE = "classifier"
CONTEXT_RULE = "classifier_in_context"
_TIERS_FILE = Path(__file__).parent / "data" / "tiers.yml"
_RATING = re.compile(r"^\s*(\d{1,2})(?:\s*/\s*10|\s*out of\s*10)?(?![\d.,]\d)\b")
_EXCERPT_CHARS = 280


@dataclass(frozen=True)
class Thresholds:
    """The numbers of ``tiers.yml``."""

    escalate_at: float
    ask_at: float
    raised_escalate_at: float
    raised_ask_at: float
    rule_weak_escalate_at: float
    rule_weak_ask_at: float
    rule_high_ask_below: float
    question_starts: tuple[str, ...]
    not_self_cues: tuple[str, ...]
    short_message_words: int
    history_turns: int
    low_mood_rating: int
    raising_words: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def thresholds() -> Thresholds:
    """Read ``bot/risk/data/tiers.yml`` (once per process)."""
    raw = yaml.safe_load(_TIERS_FILE.read_text(encoding="utf-8"))
    return Thresholds(
        escalate_at=float(raw["escalate_at"]),
        ask_at=float(raw["ask_at"]),
        raised_escalate_at=float(raw["raised"]["escalate_at"]),
        raised_ask_at=float(raw["raised"]["ask_at"]),
        rule_weak_escalate_at=float(raw["rule_weak_escalate_at"]),
        rule_weak_ask_at=float(raw["rule_weak_ask_at"]),
        rule_high_ask_below=float(raw["rule_high_ask_below"]),
        question_starts=tuple(str(w).lower() for w in raw["question_starts"]),
        short_message_words=int(raw["short_message_words"]),
        not_self_cues=tuple(str(w).lower() for w in raw["not_self_cues"]),
        history_turns=int(raw["history_turns"]),
        low_mood_rating=int(raw["low_mood_rating"]),
        raising_words=tuple(str(w).lower() for w in raw["raising_words"]),
    )


def rating_in(text: str) -> int | None:
    """The 0-10 rating a message starts with ("2", "1/10", "0. done"), if any."""
    match = _RATING.match(text)
    if match is None:
        return None
    value = int(match.group(1))
    return value if value <= 10 else None


@dataclass(frozen=True)
class Signals:
    """What one earlier message contributes to the context (no text is kept)."""

    low_rating: bool = False
    raising_words: tuple[str, ...] = ()
    flagged: bool = False  # the message was escalated or asked about

    @property
    def raising(self) -> bool:
        """True when this message raises the context."""
        return self.low_rating or bool(self.raising_words) or self.flagged

    def reasons(self) -> list[str]:
        """Reason strings, for the decision's explanation."""
        out = ["context:low_rating"] if self.low_rating else []
        out += [f"context:{w}" for w in self.raising_words]
        return out + (["context:earlier_flag"] if self.flagged else [])


@dataclass(frozen=True)
class Context:
    """The person's recent messages, as signals, oldest first; and the mood they gave."""

    history: tuple[Signals, ...] = ()
    mood: int | None = None
    watched: bool = False  # an earlier ask was answered "no": the conversation stays watched

    def raised(self, limits: Thresholds) -> tuple[bool, list[str]]:
        """Whether the context lowers the thresholds now, and why."""
        reasons: list[str] = []
        if self.mood is not None and self.mood <= limits.low_mood_rating:
            reasons.append("context:low_mood")
        if self.watched:
            reasons.append("context:watched")
        for signals in self.history[-limits.history_turns :]:
            reasons.extend(signals.reasons())
        return bool(reasons), list(dict.fromkeys(reasons))

    def after(self, signals: Signals, mood: int | None = None) -> Context:
        """The context once a message with ``signals`` has been added."""
        keep = thresholds().history_turns
        return Context(
            history=(*self.history, signals)[-keep:],
            mood=self.mood if mood is None else mood,
            watched=self.watched,
        )


@dataclass(frozen=True)
class RiskDecision:
    """The verdict for one message in its conversation.

    Attributes:
        action: ``escalate``, ``ask`` or ``none``.
        score: The classifier's calibrated probability of a risk disclosure.
        assessment: What escalates: the rules' matches, plus a classifier match when the
            classifier escalated. ``assessment.risk`` is True exactly when ``action`` is
            ``escalate``.
        reasons: Rule ids, the classifier's strongest features and the context's signals.
        raised: Whether the conversation's context lowered the thresholds.
        category: The category read (rules first, else the classifier's), for escalate or ask.
        signals: What this message adds to the context of the next ones.
        rules_severity: The highest severity among the rules' own matches (``none`` if none).
    """

    action: str
    score: float
    assessment: RiskAssessment
    reasons: tuple[str, ...] = ()
    raised: bool = False
    category: str | None = None
    signals: Signals = field(default_factory=Signals)
    rules_severity: str = "none"

    @property
    def escalate(self) -> bool:
        """True for ``escalate``."""
        return self.action == "escalate"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: the assessment's fields plus action, score, reasons and raised."""
        return {
            **self.assessment.to_dict(),
            "action": self.action,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
            "raised": self.raised,
            "category": self.category,
        }


def signals_of(text: str, action: str) -> Signals:
    """The context signals of one message that got ``action``."""
    limits = thresholds()
    lowered = text.lower().replace("\u2019", "'")
    rating = rating_in(text)
    return Signals(
        low_rating=rating is not None and rating <= limits.low_mood_rating,
        raising_words=tuple(w for w in limits.raising_words if w in lowered),
        flagged=action != "none",
    )


def context_from_history(
    history: Iterable[str], mood: int | None = None, *, classifier: RiskClassifier | None = None
) -> Context:
    """Build a context by deciding each earlier message in turn (``ally risk check --context``)."""
    context = Context(mood=mood)
    for text in history:
        decision = decide(text, context, classifier=classifier)
        context = context.after(decision.signals)
    return context


def decide(
    text: str, context: Context | None = None, *, classifier: RiskClassifier | None = None
) -> RiskDecision:
    """Decide what Ally does about ``text``, given the conversation's ``context``.

    Args:
        text: The message as typed.
        context: The person's recent messages; none for a message on its own.
        classifier: A classifier other than the current one (leave-one-source-out evaluation).

    Raises:
        TypeError: If ``text`` is not a string.
    """
    from bot.risk.detector import assess
    from bot.risk.learning import get_classifier

    rules = assess(text)
    classifier = classifier or get_classifier()
    score = classifier.probability(text) if text.strip() else 0.0
    limits = thresholds()
    context = context or Context()
    own = signals_of(text, "none")
    raised, context_reasons = context.raised(limits)
    reasons = [f"rule:{m.rule_id}" for m in rules.matches]
    top_rule = max((severity_rank(m.severity) for m in rules.matches), default=0)
    sure_not = score < limits.rule_high_ask_below and not raised
    not_a_statement = is_question(text) or about_someone_else_or_the_past(text)
    if rules.risk and _always_escalates(rules) and not (sure_not and not_a_statement):
        action = "escalate"
    elif rules.risk and top_rule >= severity_rank("high"):
        action = "ask" if sure_not and top_rule < severity_rank("imminent") else "escalate"
    elif rules.risk and (raised or score >= limits.rule_weak_escalate_at):
        action = "escalate"
    elif rules.risk:  # a past, third-party or fictional reading: ask, or let a low one go
        weak = top_rule <= severity_rank("low") and score < limits.rule_weak_ask_at
        action = "none" if weak else "ask"
    else:
        escalate_at = limits.raised_escalate_at if raised else limits.escalate_at
        ask_at = limits.raised_ask_at if raised else limits.ask_at
        action = "escalate" if score >= escalate_at else "ask" if score >= ask_at else "none"
        if action != "none" and len(text.split()) <= limits.short_message_words:
            action = "ask" if raised else "none"
    if action != "none":
        reasons.append(f"classifier:{score:.3f}")
        reasons.extend(f"feature:{e.feature}" for e in classifier.explain(text, 3))
        reasons.extend(context_reasons)
    category = rules.categories[0] if rules.categories else None
    if action != "none" and category is None:
        category = classifier.category(text)
    # ask and none carry no matches (the reasons keep the rule ids)
    assessment = rules if action == "escalate" else NO_RISK
    if action == "escalate" and not rules.risk:
        assessment = _classifier_assessment(text, category or "suicidal_ideation", score, raised)
    elif action == "escalate" and top_rule < severity_rank("high"):
        assessment = _at_least_medium(rules)
    return RiskDecision(
        action=action,
        score=score,
        assessment=assessment,
        reasons=tuple(reasons),
        raised=raised and action != "none",
        category=category,
        signals=Signals(own.low_rating, own.raising_words, action != "none"),
        rules_severity=rules.severity,
    )


def is_question(text: str) -> bool:
    """True for a question or a hypothetical: a final "?" or a start such as "what", "if i"."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    starts = thresholds().question_starts
    return lowered.endswith("?") or any(lowered.startswith(s + " ") for s in starts)


def about_someone_else_or_the_past(text: str) -> bool:
    """True when a ``not_self_cues`` phrase occurs as whole words ("my friend", "years ago")."""
    lowered = " " + " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))) + " "
    return any(f" {cue} " in lowered for cue in thresholds().not_self_cues)


def _always_escalates(rules: RiskAssessment) -> bool:
    """An imminent match, or a high one about suicide: escalated whatever the classifier says."""
    return any(
        m.severity == "imminent" or (m.severity == "high" and m.category in SUICIDE_CATEGORIES)
        for m in rules.matches
    )


def rules_only(text: str) -> RiskDecision:
    """The fallback when the classifier cannot be used: the rules alone, any match escalates."""
    from bot.risk.detector import assess

    assessment = assess(text)
    action = "escalate" if assessment.risk else "none"
    return RiskDecision(action=action, score=0.0, assessment=assessment, reasons=("rules_only",))


def whole_message_match(text: str, rule_id: str, category: str, severity: str) -> RiskAssessment:
    """An escalation no rule span explains: the first 280 characters are the excerpt."""
    end = min(len(text), _EXCERPT_CHARS)
    return RiskAssessment.from_matches([RiskMatch(rule_id, category, severity, 0, end, text[:end])])


def _at_least_medium(rules: RiskAssessment) -> RiskAssessment:
    """A weak rule match confirmed by the classifier or the context escalates at medium."""
    raised = [
        RiskMatch(m.rule_id, m.category, "medium" if m.severity == "low" else m.severity,
                  m.start, m.end, m.text)
        for m in rules.matches
    ]  # fmt: skip
    return RiskAssessment.from_matches(raised)


def _classifier_assessment(text: str, category: str, score: float, raised: bool) -> RiskAssessment:
    """The escalation for a message only the classifier (with the context) flagged."""
    severity = "high" if raised or score >= 0.97 else "medium"
    return whole_message_match(
        text, CONTEXT_RULE if raised else CLASSIFIER_RULE, category, severity
    )
