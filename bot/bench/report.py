"""The benchmark's results: per-run figures, medians of the warm runs, ratios, JSON and Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.bench.load import RunResult
from bot.bench.stats import LatencySummary, median_of, ratio

ERROR_SAMPLES = 5


@dataclass
class RunFigures:
    """The figures of one load run, ready for JSON."""

    turns: int
    errors: int
    duration: float
    throughput: float
    latency: LatencySummary | None
    escalation: LatencySummary | None = None
    escalations_missing: int = 0
    rss: dict[str, int | None] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    # CPU milliseconds each service used per answered turn: robust to a busy machine, unlike
    # latency and throughput.
    cpu_ms_per_turn: dict[str, float | None] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        result: RunResult,
        *,
        escalation_latencies: list[float] | None = None,
        escalations_missing: int = 0,
        rss: dict[str, int | None] | None = None,
        cpu_seconds: dict[str, float | None] | None = None,
    ) -> RunFigures:
        """Summarise one run; ``cpu_seconds`` is what each service used during it."""
        turns = max(result.turns, 1)
        cpu = {
            name: None if used is None else used * 1000 / turns
            for name, used in (cpu_seconds or {}).items()
        }
        return cls(
            turns=result.turns,
            errors=len(result.errors) + escalations_missing,
            duration=result.duration,
            throughput=result.throughput,
            latency=result.summary(),
            escalation=LatencySummary.of(escalation_latencies or []),
            escalations_missing=escalations_missing,
            rss=dict(rss or {}),
            error_samples=result.errors[:ERROR_SAMPLES],
            cpu_ms_per_turn=cpu,
        )

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "turns": self.turns,
            "errors": self.errors,
            "duration_s": round(self.duration, 3),
            "throughput_per_s": round(self.throughput, 2),
            "latency_s": self.latency.to_json() if self.latency else None,
            "escalation_latency_s": self.escalation.to_json() if self.escalation else None,
            "escalations_missing": self.escalations_missing,
            "rss_bytes": self.rss,
            "error_samples": self.error_samples,
            "cpu_ms_per_turn": self.cpu_ms_per_turn,
        }


def _p(figures: RunFigures, name: str) -> float | None:
    return getattr(figures.latency, name) if figures.latency else None


def medians(runs: list[RunFigures]) -> dict[str, Any]:
    """Return the median of each figure over ``runs`` (the warm runs)."""
    services = sorted({name for run in runs for name in run.rss})
    cpu_services = sorted({name for run in runs for name in run.cpu_ms_per_turn})
    return {
        "runs": len(runs),
        "p50_s": median_of(_p(r, "p50") for r in runs),
        "p90_s": median_of(_p(r, "p90") for r in runs),
        "p99_s": median_of(_p(r, "p99") for r in runs),
        "max_s": median_of(_p(r, "max") for r in runs),
        "throughput_per_s": median_of(r.throughput for r in runs),
        "errors": sum(r.errors for r in runs),
        "escalation_p99_s": median_of(r.escalation.p99 if r.escalation else None for r in runs),
        "escalation_max_s": max((r.escalation.max for r in runs if r.escalation), default=None),
        "rss_bytes": {s: median_of(r.rss.get(s) for r in runs) for s in services},
        "cpu_ms_per_turn": {
            s: median_of(r.cpu_ms_per_turn.get(s) for r in runs) for s in cpu_services
        },
    }


def ratios(ally: dict[str, Any], moodbot: dict[str, Any]) -> dict[str, float | None]:
    """Return Ally / moodbot for the medians that both have."""
    return {
        "throughput": ratio(ally["throughput_per_s"], moodbot["throughput_per_s"]),
        "p50": ratio(ally["p50_s"], moodbot["p50_s"]),
        "p99": ratio(ally["p99_s"], moodbot["p99_s"]),
        "rasa_rss": ratio(ally["rss_bytes"].get("rasa"), moodbot["rss_bytes"].get("rasa")),
    }


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms"


def _mb(size: float | None) -> str:
    return "-" if size is None else f"{size / 1e6:.0f} MB"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _row(label: str, figures: dict[str, Any]) -> str:
    rss = figures["rss_bytes"]
    return (
        f"| {label} | {figures['runs']} | {_ms(figures['p50_s'])} | {_ms(figures['p90_s'])} | "
        f"{_ms(figures['p99_s'])} | {_ms(figures['max_s'])} | "
        f"{figures['throughput_per_s']:.1f}/s | {figures['errors']} | "
        f"{_ms(figures.get('escalation_p99_s'))} | {_mb(rss.get('rasa'))} |"
    )


def markdown(report: dict[str, Any]) -> str:
    """Return the Markdown section appended to docs/benchmarks.md for one ``ally bench``."""
    machine = report["machine"]
    load = ", ".join(f"{v:.2f}" for v in machine["load_average"])
    lines = [
        f"### {report['started_at']}: {report['settings']['users']} users",
        "",
        f"Command: `{report['command']}`. Machine: {machine['cores']} cores, "
        f"{_mb(machine['ram_bytes'])} RAM, {machine['cpu_model']}; load average before the "
        f"run {load}.",
        "",
        "| Target | Runs | p50 | p90 | p99 | max | Throughput | Errors | Escalation p99 "
        "| Rasa RSS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, target in report["targets"].items():
        lines.append(_row(f"{name}, first run after start", target["first_run_medians"]))
        lines.append(_row(f"{name}, warm (median)", target["warm_medians"]))
    cpu_lines = []
    for name, target in report["targets"].items():
        cpu = target["warm_medians"].get("cpu_ms_per_turn") or {}
        if cpu:
            used = ", ".join(f"{k} {v:.1f} ms" for k, v in cpu.items() if v is not None)
            cpu_lines.append(f"- {name}: {used}")
    if cpu_lines:
        lines += ["", "CPU time per answered turn (warm median), by process:", "", *cpu_lines]
    if report.get("ratios"):
        r = report["ratios"]
        lines += [
            "",
            f"Ally / moodbot (warm medians): throughput {_times(r['throughput'])}, "
            f"p50 {_times(r['p50'])}, p99 {_times(r['p99'])}, Rasa RSS {_times(r['rasa_rss'])}.",
        ]
    if report.get("scale_ratios"):
        r = report["scale_ratios"]
        lines.append(
            f"Ally --scale {report['settings']['scale']} / moodbot (warm medians): throughput "
            f"{_times(r['throughput'])}, p50 {_times(r['p50'])}, p99 {_times(r['p99'])}, "
            f"Rasa RSS (all replicas) {_times(r['rasa_rss'])}."
        )
    ally = report["targets"].get("ally")
    if ally:
        rss = ", ".join(f"{k} {_mb(v)}" for k, v in ally["warm_medians"]["rss_bytes"].items())
        lines += ["", f"Ally service RSS after the warm runs (median): {rss}."]
    return "\n".join(lines) + "\n"
