"""``ally coverage``: which parts of the dialogue the stories and the test-case runs exercise."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue.messages import load_messages
from bot.errors import AllyError
from bot.risk.crisis_domain import render_crisis_domain
from bot.testing.matching import response_for

KINDS = ("intents", "responses", "messages", "actions", "forms", "form slots", "risk categories")


class CoverageError(AllyError):
    """The run records or the dialogue data cannot be read."""


@dataclass(frozen=True)
class Universe:
    """Everything that could be exercised, by kind (from domain/ and bot/risk/data)."""

    items: dict[str, list[str]]


@dataclass
class CoverageReport:
    """Per kind: every item, whether stories/rules mention it and whether a run exercised it."""

    items: dict[str, list[str]]
    in_stories: dict[str, set[str]]
    exercised: dict[str, set[str]]
    runs: int = 0
    cases: int = 0

    def share_of(self, kind: str) -> float:
        """The share of ``kind`` exercised by test-case runs (1.0 when there is nothing)."""
        items = self.items[kind]
        return sum(i in self.exercised[kind] for i in items) / len(items) if items else 1.0

    @property
    def share(self) -> float:
        """The share of every item exercised by test-case runs."""
        total = sum(len(v) for v in self.items.values())
        hit = sum(sum(i in self.exercised[k] for i in v) for k, v in self.items.items())
        return hit / total if total else 1.0


def load_universe(project_dir: Path) -> Universe:
    """Read what could be exercised.

    Intents, responses, actions, forms and form slots come from the domain, risk categories from
    the risk rules, and message keys from the action messages.
    """
    domain: dict[str, Any] = {"intents": [], "responses": {}, "actions": [], "forms": {}}
    for path in sorted((project_dir / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        domain["intents"] += [_name(i) for i in part.get("intents") or []]
        domain["responses"].update(part.get("responses") or {})
        domain["actions"] += list(part.get("actions") or [])
        domain["forms"].update(part.get("forms") or {})
    # The crisis responses are generated per locale (`ally crisis-domain`) and may not exist yet;
    # their names do not depend on the locale.
    crisis = yaml.safe_load(render_crisis_domain("US"))["responses"]
    domain["responses"].update({name: [] for name in crisis if name not in domain["responses"]})
    form_slots = [
        f"{form}.{slot}"
        for form, spec in domain["forms"].items()
        for slot in (spec or {}).get("required_slots") or []
    ]
    categories: set[str] = set()
    for path in sorted((project_dir / "bot" / "risk" / "data").glob("rules_*.yml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            if isinstance(rule, dict) and rule.get("category"):
                categories.add(str(rule["category"]))
    return Universe(
        {
            "intents": sorted(set(domain["intents"]) - {"nlu_fallback"}),
            "responses": sorted(domain["responses"]),
            "messages": sorted(load_messages()),
            # Forms call their ask actions and validators without an ActionExecuted event: they
            # count under "form slots" instead.
            "actions": sorted(
                a for a in set(domain["actions"]) if not a.startswith(("validate_", "action_ask_"))
            ),
            "forms": sorted(domain["forms"]),
            "form slots": sorted(form_slots),
            "risk categories": sorted(categories),
        }
    )


def _name(item: Any) -> str:
    return str(next(iter(item))) if isinstance(item, dict) else str(item)


def story_mentions(project_dir: Path) -> dict[str, set[str]]:
    """What the training stories/rules (data/) and test stories (tests/stories/) mention."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    files = [*sorted((project_dir / "data").glob("*/*.yml"))]
    files += sorted((project_dir / "tests" / "stories").glob("*.yml"))
    for path in files:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in (document.get("stories") or []) + (document.get("rules") or []):
            for step in (block.get("steps") or []) + (block.get("condition") or []):
                _mention(step, found)
    return found


def _mention(step: dict[str, Any], found: dict[str, set[str]]) -> None:
    if step.get("intent"):
        found["intents"].add(str(step["intent"]))
    action = step.get("action")
    if action:
        found["responses" if str(action).startswith("utter_") else "actions"].add(str(action))
        found["forms"].add(str(action))
    if step.get("active_loop"):
        found["forms"].add(str(step["active_loop"]))


def load_runs(directory: Path) -> list[dict[str, Any]]:
    """Read every run record (``*.json``) in ``directory``.

    Raises:
        CoverageError: when the folder is missing or a record is not valid JSON.
    """
    if not directory.is_dir():
        raise CoverageError(f"{directory}: no run records (run `ally test-cases` first)")
    runs = []
    for path in sorted(directory.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CoverageError(f"{path}: not a readable run record: {exc}") from None
        if not isinstance(record, dict) or not isinstance(record.get("cases"), list):
            raise CoverageError(f"{path}: not a run record (no 'cases' list)")
        runs.append(record)
    return runs


def exercised_by(
    events: Iterable[dict[str, Any]], templates: dict[str, str]
) -> dict[str, set[str]]:
    """What one conversation's tracker events exercised."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    active: str | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            if intent:
                found["intents"].add(str(intent))
            found["risk categories"].update(
                map(str, (parse.get("risk") or {}).get("categories") or [])
            )
        elif kind == "bot":
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter:
                found["responses"].add(str(utter))
            else:
                # Composed messages (the closing summary) count for each of their lines.
                text = str(event.get("text") or "")
                for part in [text, *text.splitlines()]:
                    key = response_for(part, templates)
                    if key:
                        found["messages"].add(key)
        elif kind == "action" and event.get("name"):
            found["actions"].add(str(event["name"]))
        elif kind == "active_loop":
            active = event.get("name")
            if active:
                found["forms"].add(str(active))
        elif kind == "slot" and active and event.get("value") is not None:
            found["form slots"].add(f"{active}.{event.get('name')}")
    return found


def compute_coverage(
    project_dir: Path, runs: Sequence[dict[str, Any]], universe: Universe | None = None
) -> CoverageReport:
    """Combine the dialogue data with the run records."""
    universe = universe or load_universe(project_dir)
    templates = {key: str(m["text"]) for key, m in load_messages().items()}
    exercised: dict[str, set[str]] = {kind: set() for kind in KINDS}
    cases = 0
    for run in runs:
        for case in run["cases"]:
            cases += 1
            for kind, names in exercised_by(case.get("events") or [], templates).items():
                exercised[kind] |= names
    mentions = story_mentions(project_dir)
    return CoverageReport(universe.items, mentions, exercised, runs=len(runs), cases=cases)


def format_coverage(report: CoverageReport, threshold: float) -> str:
    """The console summary: per kind the share exercised, and what never was."""
    lines = [f"{report.cases} test cases in {report.runs} run records"]
    for kind in KINDS:
        items = report.items[kind]
        never = [i for i in items if i not in report.exercised[kind]]
        lines.append(
            f"{kind:<16} {report.share_of(kind):>6.0%} exercised"
            f" ({len(items) - len(never)}/{len(items)})"
        )
        untested = [i for i in never if i not in report.in_stories[kind]]
        only_stories = [i for i in never if i in report.in_stories[kind]]
        if only_stories:
            lines.append(f"    only in stories/rules: {', '.join(only_stories)}")
        if untested:
            lines.append(f"    never exercised:       {', '.join(untested)}")
    verdict = "ok" if report.share >= threshold else "BELOW THRESHOLD"
    lines.append(f"total {report.share:.1%} exercised (threshold {threshold:.0%}): {verdict}")
    return "\n".join(lines)


def render_html(report: CoverageReport, threshold: float) -> str:
    """A self-contained HTML page with one table per kind."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Ally dialogue coverage</title><style>",
        "body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
        "td,th{padding:.2rem .6rem;text-align:left}.no{background:#fde2e2}.yes{background:#e3f6e3}",
        "</style></head><body><h1>Ally dialogue coverage</h1>",
        f"<p>{report.cases} test cases in {report.runs} run records. Total "
        f"<strong>{report.share:.1%}</strong> exercised; threshold {threshold:.0%}.</p>",
    ]
    for kind in KINDS:
        parts.append(f"<h2>{html.escape(kind)}: {report.share_of(kind):.0%}</h2>")
        parts.append("<table><tr><th>name</th><th>stories/rules</th><th>test cases</th></tr>")
        for item in report.items[kind]:
            story = "yes" if item in report.in_stories[kind] else "no"
            run = "yes" if item in report.exercised[kind] else "no"
            parts.append(
                f"<tr><td>{html.escape(item)}</td><td class='{story}'>{story}</td>"
                f"<td class='{run}'>{run}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_html(report: CoverageReport, path: Path, threshold: float) -> None:
    """Write the HTML report, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, threshold), encoding="utf-8")


__all__ = ["CoverageError", "CoverageReport", "Universe", "compute_coverage"]
