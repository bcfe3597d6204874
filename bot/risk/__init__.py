"""Risk detection for Ally: a deterministic, rule-based safety net.

``assess(text)`` flags suicidal ideation, plans and means, self-harm, harm to
others, abuse or being unsafe, and medical emergencies, with the evidence
(rule id and exact span) for a human supporter. See ``docs/risk.md``.

Nothing heavy happens at import: the spaCy pipeline is built on first use.
"""

from bot.risk.assessment import SEVERITIES, RiskAssessment, RiskMatch, max_severity
from bot.risk.detector import RiskDetector, assess, get_detector

__all__ = [
    "SEVERITIES",
    "RiskAssessment",
    "RiskDetector",
    "RiskMatch",
    "assess",
    "get_detector",
    "max_severity",
]
