"""``ally report``: an HTML page with PNG plots of the alliance, engagement and escalation data.

The report reads the same pseudonymised, text-free rows as ``ally export`` (bot/research/source.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy.engine import Engine

from bot.clock import utcnow
from bot.research import plots
from bot.research.dictionary import load_dictionary
from bot.research.pseudonyms import Pseudonymiser
from bot.research.source import read_rows, schema_revision

TEMPLATES = Path(__file__).resolve().parent / "templates"
ADHERENCE = {"done": 1.0, "partly_done": 0.5, "not_done": 0.0}
REPORT_TABLES = (
    "participants",
    "checkins",
    "tasks",
    "alliance_signals",
    "survey_administrations",
    "escalations",
)


@dataclass
class ReportData:
    """Everything the report shows, already pseudonymised and aggregated."""

    rows: dict[str, list[dict[str, Any]]]
    trajectories: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    survey_vs_behaviour: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    weekly_checkins: list[tuple[date, int, int]] = field(default_factory=list)
    weekly_adherence: list[tuple[date, float, int]] = field(default_factory=list)
    escalation_categories: dict[str, int] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        """Whether anything at all was recorded."""
        return any(self.rows.values())


@dataclass(frozen=True)
class Section:
    """One plot with its caption and an optional table of the figures behind it."""

    title: str
    caption: str
    image: str | None
    headings: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()


def collect(connection: Any, *, salt: str, since: datetime | None) -> ReportData:
    """Read and aggregate the report's data."""
    specs = {spec.name: spec for spec in load_dictionary().tables}
    pseudonyms = Pseudonymiser(salt)
    rows = {
        name: list(read_rows(connection, specs[name], pseudonyms, include_text=False, since=since))
        for name in REPORT_TABLES
    }
    data = ReportData(rows=rows)
    signals = sorted(rows["alliance_signals"], key=lambda r: (r["created_at"], r["id"]))
    data.trajectories = _trajectories(signals)
    data.survey_vs_behaviour = _survey_vs_behaviour(signals)
    data.weekly_checkins = _weekly_checkins(rows["checkins"])
    data.weekly_adherence = _weekly_adherence(rows["tasks"])
    data.escalation_categories = _categories(rows["escalations"])
    return data


def _week(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _trajectories(signals: list[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    result: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in signals:
        if row["source"] == "survey" and row["dimension"] in plots.DIMENSIONS:
            result[row["dimension"]][row["participant"]].append(float(row["value"]))
    return {dimension: dict(series) for dimension, series in result.items()}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _survey_vs_behaviour(signals: list[dict[str, Any]]) -> dict[str, list[tuple[float, float]]]:
    values: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for row in signals:
        values[(row["dimension"], row["participant"], row["source"])].append(float(row["value"]))
    pairs: dict[str, list[tuple[float, float]]] = {}
    for dimension, participant, source in sorted(values):
        if source != "behaviour" or (dimension, participant, "survey") not in values:
            continue
        behaviour = _mean(values[(dimension, participant, "behaviour")])
        survey = _mean(values[(dimension, participant, "survey")])
        pairs.setdefault(dimension, []).append((behaviour, survey))
    return pairs


def _weekly_checkins(checkins: list[dict[str, Any]]) -> list[tuple[date, int, int]]:
    weeks: dict[date, Counter[str]] = defaultdict(Counter)
    for row in checkins:
        weeks[_week(row["started_at"])][row["status"]] += 1
    return [(week, c["completed"], c["abandoned"]) for week, c in sorted(weeks.items())]


def _weekly_adherence(tasks: list[dict[str, Any]]) -> list[tuple[date, float, int]]:
    weeks: dict[date, list[float]] = defaultdict(list)
    for row in tasks:
        if row["status"] in ADHERENCE and row["reviewed_at"] is not None:
            weeks[_week(row["reviewed_at"])].append(ADHERENCE[row["status"]])
    return [(week, _mean(scores), len(scores)) for week, scores in sorted(weeks.items())]


def _categories(escalations: Iterable[dict[str, Any]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for row in escalations:
        categories = list(row["categories"] or []) or [f"({row['kind']}, no category)"]
        counts.update(str(c) for c in categories)
    return dict(counts)


def _sections(data: ReportData, out_dir: Path) -> list[Section]:
    def image(name: str, draw: Callable[[Path], Path], present: bool) -> str | None:
        return draw(out_dir / name).name if present else None

    trajectories = image(
        "alliance_trajectories.png",
        lambda p: plots.alliance_trajectories(p, data.trajectories),
        any(data.trajectories.values()),
    )
    versus = image(
        "survey_vs_behaviour.png",
        lambda p: plots.survey_against_behaviour(p, data.survey_vs_behaviour),
        any(data.survey_vs_behaviour.values()),
    )
    engagement = image(
        "engagement.png",
        lambda p: plots.engagement(p, data.weekly_checkins, data.weekly_adherence),
        bool(data.weekly_checkins or data.weekly_adherence),
    )
    escalations = image(
        "escalations_by_category.png",
        lambda p: plots.escalations_by_category(p, data.escalation_categories),
        bool(data.escalation_categories),
    )
    return [
        Section(
            "Alliance subscales over time",
            "In-chat survey subscale means (1-5) by survey number; thin lines are participants "
            "(pseudonyms), the bold line is the mean of everyone who reached that survey.",
            trajectories,
        ),
        Section(
            "Survey scores against behavioural signals",
            "One point per participant and dimension: the mean behavioural signal against the "
            "mean survey score.",
            versus,
        ),
        Section(
            "Engagement and task adherence",
            "Check-ins started per week by outcome, and the mean adherence of tasks reviewed "
            "that week.",
            engagement,
            ("week", "check-ins completed", "check-ins abandoned"),
            tuple((w.isoformat(), c, a) for w, c, a in data.weekly_checkins),
        ),
        Section(
            "Escalations by category",
            "Escalations counted once per risk category they carry.",
            escalations,
            ("category", "escalations"),
            tuple(sorted(data.escalation_categories.items(), key=lambda i: (-i[1], i[0]))),
        ),
    ]


def write_report(
    engine: Engine,
    out_dir: Path,
    *,
    since: datetime | None,
    salt: str,
    progress: Callable[[str], None] = lambda _line: None,
) -> Path:
    """Write ``report.html`` and its PNGs into ``out_dir``; return the HTML file's path.

    Raises:
        ResearchInputError: when the database has no Ally schema (nothing is written).
    """
    with engine.connect() as connection, connection.begin():
        revision = schema_revision(connection)
        data = collect(connection, salt=salt, since=since)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress(f"report: {sum(len(r) for r in data.rows.values())} rows read, drawing plots")
    sections = _sections(data, out_dir) if data.has_data else []
    summary = [
        ("participants", len(data.rows["participants"])),
        ("check-ins", len(data.rows["checkins"])),
        ("tasks", len(data.rows["tasks"])),
        (
            "surveys completed",
            sum(r["status"] == "completed" for r in data.rows["survey_administrations"]),
        ),
        ("alliance signals", len(data.rows["alliance_signals"])),
        ("escalations", len(data.rows["escalations"])),
    ]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    html = environment.get_template("report.html").render(
        created_at=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        since=since.date().isoformat() if since else None,
        revision=revision,
        has_data=data.has_data,
        summary=summary,
        sections=sections,
    )
    path = out_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
