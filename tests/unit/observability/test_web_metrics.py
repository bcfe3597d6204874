from datetime import datetime, timedelta, timezone

from prometheus_client.parser import text_string_to_metric_families

from bot.observability.queue_stats import QueueGroup, queue_groups
from bot.observability.web_metrics import TURN_OUTCOMES, WebMetrics
from bot.storage.engine import Database
from bot.storage.escalations import claim_escalation, resolve_escalation
from tests.unit.supporter.helpers import add_handoff, add_risk

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def samples(metrics: WebMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(metrics: WebMetrics, name: str, **labels: str) -> float:
    return samples(metrics)[(name, tuple(sorted(labels.items())))]


def test_every_turn_outcome_is_exported_from_the_start() -> None:
    metrics = WebMetrics()
    for outcome in TURN_OUTCOMES:
        assert value(metrics, "ally_turns_total", outcome=outcome) == 0


def test_turns_latency_and_rasa_failures() -> None:
    metrics = WebMetrics()
    metrics.observe_turn("ok", 0.04)
    metrics.observe_turn("rasa_error", 2.0)
    metrics.observe_turn("empty_reply", 0.3)
    metrics.observe_turn("empty_reply", 0.3)
    assert value(metrics, "ally_turns_total", outcome="ok") == 1
    assert value(metrics, "ally_rasa_errors_total") == 1
    assert value(metrics, "ally_rasa_empty_replies_total") == 2
    assert value(metrics, "ally_turn_duration_seconds_count") == 4
    assert value(metrics, "ally_turn_duration_seconds_bucket", le="0.05") == 1
    assert value(metrics, "ally_turn_duration_seconds_bucket", le="0.5") == 3
    assert value(metrics, "ally_turn_duration_seconds_bucket", le="10.0") == 4


def test_claim_wait_is_observed_by_severity() -> None:
    metrics = WebMetrics()
    metrics.observe_claim("imminent", NOW, NOW + timedelta(seconds=40))
    metrics.observe_claim("imminent", NOW, None)  # not claimed: nothing to observe
    assert value(metrics, "ally_escalation_claim_wait_seconds_count", severity="imminent") == 1
    assert value(metrics, "ally_escalation_claim_wait_seconds_sum", severity="imminent") == 40
    assert value(metrics, "ally_escalation_claim_wait_seconds_bucket", severity="imminent",
                 le="30.0") == 0  # fmt: skip
    assert value(metrics, "ally_escalation_claim_wait_seconds_count", severity="high") == 0


def test_queue_gauges_cover_every_severity_and_reset_on_each_read() -> None:
    metrics = WebMetrics()
    metrics.set_queue(
        [
            QueueGroup("high", "open", 2, 90.0),
            QueueGroup("high", "claimed", 1, 400.0),
            QueueGroup("low", "open", 1, 5.0),
        ]
    )
    assert value(metrics, "ally_queue_metrics_up") == 1
    assert value(metrics, "ally_escalations_open", severity="high") == 2
    assert value(metrics, "ally_escalations_claimed", severity="high") == 1
    assert value(metrics, "ally_escalation_oldest_open_seconds", severity="high") == 90
    assert value(metrics, "ally_escalations_open", severity="imminent") == 0
    metrics.set_queue([])
    assert value(metrics, "ally_escalations_open", severity="high") == 0
    assert value(metrics, "ally_escalation_oldest_open_seconds", severity="high") == 0


def test_a_failed_queue_read_exports_no_stale_numbers() -> None:
    metrics = WebMetrics()
    metrics.set_queue([QueueGroup("high", "open", 2, 90.0)])
    metrics.set_queue(None)
    found = samples(metrics)
    assert value(metrics, "ally_queue_metrics_up") == 0
    assert not [key for key in found if key[0] == "ally_escalations_open"]


def test_registries_are_per_instance() -> None:
    first, second = WebMetrics(), WebMetrics()
    first.observe_turn("ok", 0.1)
    assert value(second, "ally_turns_total", outcome="ok") == 0


def test_queue_groups_reads_unresolved_escalations(database: Database) -> None:
    old, recent = NOW - timedelta(minutes=10), NOW - timedelta(minutes=1)
    add_risk(database, "c1", severity="high", created_at=old)
    add_risk(database, "c2", severity="high", created_at=recent)
    claimed = add_risk(database, "c3", severity="imminent", created_at=old)
    resolved = add_risk(database, "c4", severity="medium", created_at=old)
    add_handoff(database, "c5", created_at=recent)
    database.run_sync(claim_escalation, escalation_id=claimed, supporter="sam")
    database.run_sync(
        resolve_escalation, escalation_id=resolved, outcome="false_alarm", supporter=None
    )
    groups = {(g.severity, g.status): g for g in database.run_sync(queue_groups, now=NOW)}
    assert set(groups) == {("high", "open"), ("imminent", "claimed"), ("low", "open")}
    assert groups["high", "open"].count == 2
    assert groups["high", "open"].oldest_seconds == 600
    assert groups["low", "open"].oldest_seconds == 60
