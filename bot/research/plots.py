"""PNG plots for the research report (matplotlib, Agg renderer, no pyplot state, no network)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DIMENSIONS = ("bond", "goal", "task")
MAX_LABELLED_PARTICIPANTS = 8
DPI = 100


def _save(figure: Figure, path: Path) -> Path:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=DPI)
    return path


def alliance_trajectories(
    path: Path, trajectories: Mapping[str, Mapping[str, Sequence[float]]]
) -> Path:
    """Survey subscale scores by survey number: one thin line per participant, the mean bold."""
    figure = Figure(figsize=(12, 4))
    axes = figure.subplots(1, len(DIMENSIONS), sharey=True)
    for ax, dimension in zip(axes, DIMENSIONS, strict=True):
        series = trajectories.get(dimension, {})
        label = len(series) <= MAX_LABELLED_PARTICIPANTS
        for participant, values in sorted(series.items()):
            xs = range(1, len(values) + 1)
            ax.plot(
                xs, values, marker="o", linewidth=1, alpha=0.6, label=participant if label else None
            )
        longest = max((len(v) for v in series.values()), default=0)
        means = []
        for index in range(longest):
            column = [v[index] for v in series.values() if len(v) > index]
            means.append(sum(column) / len(column))
        if means:
            ax.plot(range(1, longest + 1), means, color="black", linewidth=3, label="mean")
        ax.set_title(dimension)
        ax.set_xlabel("survey number")
        ax.set_ylim(1, 5)
        if series and label:
            ax.legend(fontsize="x-small")
    axes[0].set_ylabel("subscale mean (1-5)")
    return _save(figure, path)


def survey_against_behaviour(
    path: Path, pairs: Mapping[str, Sequence[tuple[float, float]]]
) -> Path:
    """Per participant: mean behavioural signal (x) against mean survey score (y), per dimension."""
    figure = Figure(figsize=(12, 4))
    axes = figure.subplots(1, len(DIMENSIONS), sharey=True)
    for ax, dimension in zip(axes, DIMENSIONS, strict=True):
        points = pairs.get(dimension, [])
        ax.scatter([p[0] for p in points], [p[1] for p in points])
        ax.set_title(f"{dimension} (n={len(points)})")
        ax.set_xlabel("mean behavioural signal (-1 to 1)")
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(1, 5)
    axes[0].set_ylabel("mean survey score (1-5)")
    return _save(figure, path)


def engagement(
    path: Path,
    checkins: Sequence[tuple[date, int, int]],
    adherence: Sequence[tuple[date, float, int]],
) -> Path:
    """Check-ins completed and abandoned per week; share of reviewed tasks done per week."""
    figure = Figure(figsize=(12, 4))
    left, right = figure.subplots(1, 2)
    weeks = [w.isoformat() for w, _, _ in checkins]
    completed = [c for _, c, _ in checkins]
    abandoned = [a for _, _, a in checkins]
    left.bar(weeks, completed, label="completed")
    left.bar(weeks, abandoned, bottom=completed, label="abandoned")
    left.set_title("check-ins per week")
    left.set_xlabel("week starting")
    left.legend(fontsize="small")
    left.tick_params(axis="x", labelrotation=45)
    right.plot([w.isoformat() for w, _, _ in adherence], [a for _, a, _ in adherence], marker="o")
    right.set_ylim(0, 1)
    right.set_title("task adherence (done 1, partly 0.5, not done 0)")
    right.set_xlabel("week reviewed")
    right.tick_params(axis="x", labelrotation=45)
    return _save(figure, path)


def escalations_by_category(path: Path, counts: Mapping[str, int]) -> Path:
    """Number of escalations per risk category (one escalation can have several)."""
    figure = Figure(figsize=(8, 4))
    ax = figure.subplots()
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ax.barh([name for name, _ in ordered], [count for _, count in ordered])
    ax.invert_yaxis()
    ax.set_xlabel("escalations")
    ax.set_title("escalations by category")
    return _save(figure, path)
