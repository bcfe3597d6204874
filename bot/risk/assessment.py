"""Result types of the risk detector: severities, matches and the assessment.

These are plain frozen dataclasses so they can be hashed, compared in tests and
passed through Rasa message metadata as JSON via :meth:`RiskAssessment.to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Severity levels, lowest first. The index is the rank used for comparisons.
SEVERITIES: tuple[str, ...] = ("none", "low", "medium", "high", "imminent")

#: Every category a rule may use.
CATEGORIES: tuple[str, ...] = (
    "suicidal_ideation",
    "suicide_plan_or_means",
    "self_harm",
    "harm_to_others",
    "abuse_or_unsafe",
    "medical_emergency",
)

_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """Return the rank of ``severity`` in :data:`SEVERITIES`.

    Args:
        severity: One of :data:`SEVERITIES`.

    Returns:
        0 for ``none`` up to 4 for ``imminent``.

    Raises:
        ValueError: If ``severity`` is not a known level.
    """
    try:
        return _RANK[severity]
    except KeyError:
        raise ValueError(f"unknown severity {severity!r}; expected one of {SEVERITIES}") from None


def max_severity(a: str, b: str) -> str:
    """Return the higher of two severities.

    Args:
        a: A severity from :data:`SEVERITIES`.
        b: A severity from :data:`SEVERITIES`.

    Returns:
        Whichever of ``a`` and ``b`` ranks higher.

    Raises:
        ValueError: If either value is not a known severity.
    """
    return a if severity_rank(a) >= severity_rank(b) else b


def min_severity(a: str, b: str) -> str:
    """Return the lower of two severities (used to cap a match's severity)."""
    return a if severity_rank(a) <= severity_rank(b) else b


@dataclass(frozen=True)
class RiskMatch:
    """One rule that fired, so a supporter can see why a message was flagged.

    Attributes:
        rule_id: Id of the lexicon rule (or context escalation) that matched.
        category: One of :data:`CATEGORIES`.
        severity: Severity after context adjustments (never ``none``).
        start: Start offset into the ORIGINAL message text.
        end: End offset (exclusive) into the original message text.
        text: ``original_text[start:end]``.
    """

    rule_id: str
    category: str
    severity: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict of this match."""
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RiskMatch:
        """Build a match from :meth:`to_dict` output.

        Raises:
            ValueError: If a field is missing or has the wrong type.
        """
        try:
            match = cls(
                rule_id=str(data["rule_id"]),
                category=str(data["category"]),
                severity=str(data["severity"]),
                start=int(data["start"]),
                end=int(data["end"]),
                text=str(data["text"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"invalid risk match {data!r}: {exc}") from None
        severity_rank(match.severity)
        return match


@dataclass(frozen=True)
class RiskAssessment:
    """The verdict for one message.

    Attributes:
        risk: True when at least one rule fired after context handling.
        severity: Highest severity among ``matches`` (``none`` when no risk).
        categories: Sorted, unique categories of ``matches``.
        matches: The evidence, ordered by position in the text.
    """

    risk: bool
    severity: str
    categories: tuple[str, ...] = ()
    matches: tuple[RiskMatch, ...] = field(default=())

    @classmethod
    def from_matches(cls, matches: list[RiskMatch]) -> RiskAssessment:
        """Aggregate matches into an assessment (max severity, sorted categories)."""
        ordered = tuple(sorted(set(matches), key=lambda m: (m.start, m.end, m.rule_id)))
        severity = "none"
        for match in ordered:
            severity = max_severity(severity, match.severity)
        categories = tuple(sorted({m.category for m in ordered}))
        return cls(risk=bool(ordered), severity=severity, categories=categories, matches=ordered)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (lists instead of tuples) for message metadata."""
        return {
            "risk": self.risk,
            "severity": self.severity,
            "categories": list(self.categories),
            "matches": [m.to_dict() for m in self.matches],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RiskAssessment:
        """Rebuild an assessment from :meth:`to_dict` output.

        Raises:
            ValueError: If the dict is malformed or names an unknown severity.
        """
        try:
            assessment = cls(
                risk=bool(data["risk"]),
                severity=str(data["severity"]),
                categories=tuple(str(c) for c in data["categories"]),
                matches=tuple(RiskMatch.from_dict(m) for m in data["matches"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"invalid risk assessment {data!r}: {exc}") from None
        severity_rank(assessment.severity)
        return assessment


#: The assessment for a message with no risk.
NO_RISK = RiskAssessment(risk=False, severity="none")
