"""The web app's Prometheus metrics, in a registry of its own (one per app instance)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.observability.queue_stats import QueueGroup
from bot.storage.escalations import SEVERITY_ORDER

# "error": the turn raised (a bug); the others are the outcomes of bot.web.turns.run_turn.
TURN_OUTCOMES = ("ok", "rasa_error", "empty_reply", "too_long", "empty", "takeover", "error")
SEVERITIES = tuple(s for s in SEVERITY_ORDER if s != "none")
# A turn is a risk check plus a Rasa round trip: tens of milliseconds to the Rasa timeout.
TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0)
# A person at risk waits for a human: seconds to hours.
CLAIM_WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


class WebMetrics:
    """Turns, Rasa failures, the supporter queue and the escalation spool."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.turns = Counter(
            "ally_turns", "User turns handled, by outcome.", ["outcome"], registry=r
        )
        self.turn_seconds = Histogram(
            "ally_turn_duration_seconds",
            "Time from a person's message to the replies being ready.",
            buckets=TURN_BUCKETS,
            registry=r,
        )
        self.rasa_errors = Counter(
            "ally_rasa_errors", "Turns where Rasa failed or timed out.", registry=r
        )
        self.empty_replies = Counter(
            "ally_rasa_empty_replies", "Turns where Rasa answered nothing.", registry=r
        )
        self.escalations_open = Gauge(
            "ally_escalations_open",
            "Escalations waiting for a supporter (not claimed), by severity.",
            ["severity"],
            registry=r,
        )
        self.escalations_claimed = Gauge(
            "ally_escalations_claimed",
            "Escalations claimed by a supporter and not yet resolved, by severity.",
            ["severity"],
            registry=r,
        )
        self.oldest_open = Gauge(
            "ally_escalation_oldest_open_seconds",
            "Age of the oldest escalation still waiting for a supporter (0 if none), by severity.",
            ["severity"],
            registry=r,
        )
        self.claim_wait = Histogram(
            "ally_escalation_claim_wait_seconds",
            "Time from an escalation's creation to a supporter claiming it, by severity.",
            ["severity"],
            buckets=CLAIM_WAIT_BUCKETS,
            registry=r,
        )
        self.queue_up = Gauge(
            "ally_queue_metrics_up",
            "1 when the last scrape could read the queue from the database, else 0.",
            registry=r,
        )
        self.spool_depth = Gauge(
            "ally_spool_depth",
            "Escalations in the local spool, waiting for the database to come back.",
            registry=r,
        )
        for outcome in TURN_OUTCOMES:
            self.turns.labels(outcome)
        for severity in SEVERITIES:
            self.claim_wait.labels(severity)

    def observe_turn(self, outcome: str, seconds: float) -> None:
        """Count one turn and its latency."""
        self.turns.labels(outcome).inc()
        self.turn_seconds.observe(seconds)
        if outcome == "rasa_error":
            self.rasa_errors.inc()
        elif outcome == "empty_reply":
            self.empty_replies.inc()

    def observe_claim(
        self, severity: str, created_at: datetime, claimed_at: datetime | None
    ) -> None:
        """Record how long an escalation waited before a supporter claimed it."""
        if claimed_at is not None:
            wait = max(0.0, (claimed_at - created_at).total_seconds())
            self.claim_wait.labels(severity).observe(wait)

    def set_queue(self, groups: Iterable[QueueGroup] | None) -> None:
        """Set the queue gauges from a fresh read; None means the read failed."""
        for gauge in (self.escalations_open, self.escalations_claimed, self.oldest_open):
            gauge.clear()
        if groups is None:
            self.queue_up.set(0)
            return
        self.queue_up.set(1)
        for severity in SEVERITIES:
            self.escalations_open.labels(severity).set(0)
            self.escalations_claimed.labels(severity).set(0)
            self.oldest_open.labels(severity).set(0)
        for group in groups:
            if group.status == "open":
                self.escalations_open.labels(group.severity).inc(group.count)
                # One group per (severity, status): this is that severity's oldest.
                self.oldest_open.labels(group.severity).set(group.oldest_seconds)
            else:
                self.escalations_claimed.labels(group.severity).inc(group.count)

    def exposition(self) -> bytes:
        """Return the registry in Prometheus' text format."""
        return generate_latest(self.registry)
