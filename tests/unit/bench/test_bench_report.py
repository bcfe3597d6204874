"""Turning runs into figures, medians, ratios and the Markdown table."""

from bot.bench.load import RunResult
from bot.bench.report import RunFigures, markdown, medians, ratios


def _run(latencies: list[float], duration: float, errors: int = 0) -> RunResult:
    result = RunResult(people=2, latencies=latencies, errors=["boom"] * errors)
    result.started, result.finished = 10.0, 10.0 + duration
    return result


def _figures(latencies: list[float], duration: float, rasa_rss: int, **kw: object) -> RunFigures:
    return RunFigures.of(_run(latencies, duration), rss={"rasa": rasa_rss}, **kw)  # type: ignore[arg-type]


def test_run_figures() -> None:
    figures = RunFigures.of(
        _run([0.1, 0.2, 0.3, 0.4], 2.0, errors=1),
        escalation_latencies=[0.3],
        escalations_missing=1,
        rss={"rasa": 900},
    )
    assert figures.turns == 4
    assert figures.throughput == 2.0
    assert figures.errors == 2  # a failed turn and a missing escalation
    assert figures.escalation is not None and figures.escalation.p99 == 0.3
    data = figures.to_json()
    assert data["latency_s"]["max"] == 0.4
    assert data["error_samples"] == ["boom"]


def test_a_run_with_no_answered_turn_has_no_latency() -> None:
    figures = RunFigures.of(_run([], 1.0, errors=3))
    assert figures.latency is None
    assert figures.throughput == 0.0
    assert medians([figures])["p99_s"] is None


def test_medians_of_runs() -> None:
    runs = [
        _figures([0.1, 1.0], 1.0, 100),
        _figures([0.2, 2.0], 2.0, 300),
        _figures([0.3, 3.0], 0.5, 200),
    ]
    result = medians(runs)
    assert result["runs"] == 3
    assert result["p99_s"] == 2.0
    assert result["throughput_per_s"] == 2.0
    assert result["rss_bytes"] == {"rasa": 200}
    assert result["escalation_p99_s"] is None


def test_ratios_are_ally_over_moodbot() -> None:
    ally = medians([_figures([0.1, 0.5], 0.5, 800)])
    moodbot = medians([_figures([0.2, 1.0], 1.0, 1000)])
    r = ratios(ally, moodbot)
    assert r == {"throughput": 2.0, "p50": 0.5, "p99": 0.5, "rasa_rss": 0.8}


def _report() -> dict:
    ally_runs = [_figures([0.1, 0.5], 0.5, 800_000_000, escalation_latencies=[0.4])] * 2
    mood_runs = [_figures([0.2, 1.0], 1.0, 1_350_000_000)] * 2
    targets = {
        "moodbot": {
            "first_run_medians": medians(mood_runs[:1]),
            "warm_medians": medians(mood_runs[1:]),
        },
        "ally": {
            "first_run_medians": medians(ally_runs[:1]),
            "warm_medians": medians(ally_runs[1:]),
        },
    }
    return {
        "command": "ally bench --users 2",
        "started_at": "2026-11-25 23:00 UTC",
        "machine": {
            "cores": 2,
            "ram_bytes": 8_000_000_000,
            "cpu_model": "Test CPU",
            "load_average": [1.5, 1.0, 0.5],
        },
        "settings": {"users": 2},
        "targets": targets,
        "ratios": ratios(targets["ally"]["warm_medians"], targets["moodbot"]["warm_medians"]),
    }


def test_markdown_table() -> None:
    text = markdown(_report())
    assert text.startswith("### 2026-11-25 23:00 UTC: 2 users\n")
    assert "`ally bench --users 2`" in text
    assert "2 cores, 8000 MB RAM, Test CPU; load average before the run 1.50, 1.00, 0.50" in text
    assert (
        "| ally, warm (median) | 1 | 100 ms | 500 ms | 500 ms | 500 ms | 4.0/s | 0 | 400 ms "
        "| 800 MB |" in text
    )
    assert "| moodbot, first run after start | 1 | 200 ms |" in text
    assert "throughput 2.00x, p50 0.50x, p99 0.50x, Rasa RSS 0.59x" in text
    assert "Ally service RSS after the warm runs (median): rasa 800 MB." in text


def test_markdown_without_baseline_has_no_ratios() -> None:
    report = _report()
    del report["targets"]["moodbot"], report["ratios"]
    text = markdown(report)
    assert "moodbot" not in text
    assert "Ally / moodbot" not in text


def test_markdown_with_the_scale_out_target() -> None:
    report = _report()
    scaled_runs = [_figures([0.05, 0.2], 0.25, 1_600_000_000, escalation_latencies=[0.3])] * 2
    report["targets"]["ally --scale 2"] = {
        "first_run_medians": medians(scaled_runs[:1]),
        "warm_medians": medians(scaled_runs[1:]),
    }
    report["settings"]["scale"] = 2
    report["scale_ratios"] = ratios(
        report["targets"]["ally --scale 2"]["warm_medians"],
        report["targets"]["moodbot"]["warm_medians"],
    )
    text = markdown(report)
    assert "| ally --scale 2, warm (median) | 1 | 50 ms | 200 ms |" in text
    assert "Ally --scale 2 / moodbot (warm medians): throughput 4.00x, p50 0.25x" in text
    assert "Rasa RSS (all replicas) 1.19x" in text


def test_cpu_per_answered_turn() -> None:
    figures = RunFigures.of(_run([0.1, 0.2, 0.3, 0.4], 2.0), cpu_seconds={"rasa": 0.2, "web": None})
    assert figures.cpu_ms_per_turn == {"rasa": 50.0, "web": None}
    report = _report()
    report["targets"]["ally"]["warm_medians"] = medians([figures])
    text = markdown(report)
    assert "CPU time per answered turn (warm median), by process:" in text
    assert "- ally: rasa 50.0 ms" in text
