"""The action server's Prometheus metrics, in a registry of its own."""

from __future__ import annotations

from collections.abc import Collection

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

# A custom action is a loopback round trip plus a few database writes.
ACTION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ACTION_OUTCOMES = ("ok", "rejected", "not_found", "error")
UNKNOWN_ACTION = "unknown"
_OUTCOME_FOR_STATUS = {200: "ok", 400: "rejected", 404: "not_found"}


def outcome_for_status(status: int) -> str:
    """Map the webhook's HTTP status to an outcome (rasa-sdk: 400 rejected, 404 unknown)."""
    return _OUTCOME_FOR_STATUS.get(status, "error")


class ActionMetrics:
    """Custom action runs by action and outcome, and their latency.

    Only registered action names become label values, so a caller cannot grow the series
    without bound by sending made-up names.
    """

    def __init__(self, action_names: Collection[str]) -> None:
        self.action_names = frozenset(action_names)
        self.registry = CollectorRegistry(auto_describe=True)
        self.runs = Counter(
            "ally_action_runs",
            "Custom action calls on the webhook, by action and outcome.",
            ["action", "outcome"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "ally_action_duration_seconds",
            "Time to run a custom action and answer the webhook, by action.",
            ["action"],
            buckets=ACTION_BUCKETS,
            registry=self.registry,
        )

    def label_for(self, name: object) -> str:
        """Return ``name`` if it is a registered action, else ``unknown``."""
        return name if isinstance(name, str) and name in self.action_names else UNKNOWN_ACTION

    def observe(self, name: object, status: int, seconds: float) -> None:
        """Count one webhook call and its latency."""
        action = self.label_for(name)
        self.runs.labels(action, outcome_for_status(status)).inc()
        self.seconds.labels(action).observe(seconds)

    def exposition(self) -> bytes:
        """Return the registry in Prometheus' text format."""
        return generate_latest(self.registry)
