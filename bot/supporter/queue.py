"""The supporter queue's rules: priority order, waiting time and the target time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.storage.escalations import Escalation

# Lower rank = more urgent. A handoff request ranks after every risk escalation.
SEVERITY_RANK = {"imminent": 0, "high": 1, "medium": 2, "low": 3, "none": 4}
HANDOFF_RANK = 5
TARGETED_SEVERITIES = frozenset({"imminent", "high"})
STATUS_RANK = {"open": 0, "claimed": 1, "resolved": 2}


def rank(escalation: Escalation) -> int:
    """Return the escalation's urgency rank (0 is the most urgent)."""
    if escalation.kind == "handoff":
        return HANDOFF_RANK
    return SEVERITY_RANK.get(escalation.severity, HANDOFF_RANK)


def order(items: Iterable[Escalation]) -> list[Escalation]:
    """Sort for the queue: unclaimed first, then by severity, then oldest first."""
    return sorted(items, key=lambda e: (STATUS_RANK.get(e.status, 3), rank(e), e.created_at, e.id))


def waiting_seconds(escalation: Escalation, now: datetime) -> int:
    """Return how long the escalation has waited: until now, or until it was resolved."""
    end = escalation.resolved_at or now
    return max(0, int((end - escalation.created_at).total_seconds()))


def is_overdue(escalation: Escalation, now: datetime, target_seconds: float) -> bool:
    """Return True when a high or imminent escalation has waited unclaimed past the target."""
    return (
        escalation.status == "open"
        and escalation.kind == "risk"
        and escalation.severity in TARGETED_SEVERITIES
        and waiting_seconds(escalation, now) > target_seconds
    )


def item_json(escalation: Escalation, now: datetime, target_seconds: float) -> dict[str, Any]:
    """Return the escalation's API shape plus the queue's derived fields."""
    return {
        **escalation.to_json(),
        "waiting_seconds": waiting_seconds(escalation, now),
        "overdue": is_overdue(escalation, now, target_seconds),
        "targeted": escalation.kind == "risk" and escalation.severity in TARGETED_SEVERITIES,
    }
