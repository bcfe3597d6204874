import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.observability.action_metrics import ActionMetrics, outcome_for_status


def _samples(metrics: ActionMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.parametrize(
    ("status", "outcome"), [(200, "ok"), (400, "rejected"), (404, "not_found"), (500, "error")]
)
def test_outcome_for_status(status: int, outcome: str) -> None:
    assert outcome_for_status(status) == outcome


def test_runs_and_latency_by_action_and_outcome() -> None:
    metrics = ActionMetrics(["action_log_mood", "validate_mood_form"])
    metrics.observe("action_log_mood", 200, 0.02)
    metrics.observe("action_log_mood", 200, 0.03)
    metrics.observe("validate_mood_form", 400, 0.01)
    samples = _samples(metrics)
    runs = "ally_action_runs_total"
    assert samples[(runs, (("action", "action_log_mood"), ("outcome", "ok")))] == 2
    assert samples[(runs, (("action", "validate_mood_form"), ("outcome", "rejected")))] == 1
    count = samples[("ally_action_duration_seconds_count", (("action", "action_log_mood"),))]
    assert count == 2
    labels = (("action", "action_log_mood"), ("le", "0.025"))
    bucket = ("ally_action_duration_seconds_bucket", labels)
    assert samples[bucket] == 1


def test_names_that_are_not_registered_share_one_label() -> None:
    metrics = ActionMetrics(["action_log_mood"])
    for name in ("made_up_1", "made_up_2", None, 42, ["x"]):
        metrics.observe(name, 404, 0.001)
    labels = {key[1] for key in _samples(metrics) if key[0] == "ally_action_runs_total"}
    assert labels == {(("action", "unknown"), ("outcome", "not_found"))}


def test_each_instance_has_its_own_registry() -> None:
    first, second = ActionMetrics(["a"]), ActionMetrics(["a"])
    first.observe("a", 200, 0.01)
    assert ("ally_action_runs_total", (("action", "a"), ("outcome", "ok"))) not in _samples(second)
