"""Research interface: stream checking of JSON lines and evaluation on a labelled set.

``check_stream`` backs ``ally risk check`` and ``evaluate``/``format_report``
back ``ally risk eval``; the CLI wiring lives elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.risk.assessment import CATEGORIES, RiskAssessment
from bot.risk.detector import assess
from bot.risk.tiers import context_from_history, decide

#: Texts up to this many characters are assessed; longer ones get an error line.
#: 1 MB keeps one line's work bounded (about a second) while 100 KB messages pass.
MAX_TEXT_CHARS = 1_000_000


def _error(line_no: int, item_id: Any, message: str) -> dict[str, Any]:
    safe_id = item_id if isinstance(item_id, (str, int, float, bool)) or item_id is None else None
    return {"id": safe_id, "line": line_no, "error": message}


def _history(item: dict[str, Any]) -> tuple[list[str], int | None] | str:
    """The ``history`` and ``mood`` of a ``--context`` line, or an error message."""
    history = item.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        return "Field 'history' must be a list of strings (earlier messages, oldest first)."
    if sum(len(h) for h in history) > MAX_TEXT_CHARS:
        return f"Field 'history' has more than {MAX_TEXT_CHARS} characters."
    mood = item.get("mood")
    if mood is not None and (isinstance(mood, bool) or not isinstance(mood, int)
                             or not 0 <= mood <= 10):  # fmt: skip
        return "Field 'mood' must be a whole number from 0 to 10."
    return history, mood


def check_line(line: str, line_no: int, *, with_context: bool = False) -> dict[str, Any]:
    """Decide one JSON line ``{"id": ..., "text": ...}``; never raises.

    Args:
        line: One input line (with or without its newline).
        line_no: 1-based line number, reported in error objects.
        with_context: Also read ``"history"`` (earlier messages, oldest first) and ``"mood"``.

    Returns:
        ``{"id", "action", "score", "reasons", "raised", "category", "risk", "severity",
        "categories", "matches"}`` or, for bad input, ``{"id", "line", "error"}``.
    """
    if not line.strip():
        return _error(line_no, None, "Empty line: expected a JSON object with 'id' and 'text'.")
    try:
        item = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return _error(line_no, None, f"Invalid JSON: {str(exc)[:200]}.")
    if not isinstance(item, dict):
        return _error(line_no, None, f"Expected a JSON object, got {type(item).__name__}.")
    item_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        kind = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return _error(line_no, item_id, f"Field 'text' is {kind}.")
    if len(text) > MAX_TEXT_CHARS:
        return _error(
            line_no, item_id, f"Field 'text' has {len(text)} characters (max {MAX_TEXT_CHARS})."
        )
    context = None
    if with_context:
        read = _history(item)
        if isinstance(read, str):
            return _error(line_no, item_id, read)
        context = context_from_history(*read)
    result = decide(text, context).to_dict()
    return {"id": _error(line_no, item_id, "")["id"], **result}


def check_stream(lines: Iterable[str], out: TextIO, *, with_context: bool = False) -> int:
    """Decide JSON lines and write one JSON result line per input line.

    Args:
        lines: Input lines, e.g. an open file or ``sys.stdin``.
        out: Where to write the JSON result lines.
        with_context: Read each line's ``history`` and ``mood`` (``ally risk check --context``).

    Returns:
        The number of input lines that produced an error object.
    """
    errors = 0
    for line_no, line in enumerate(lines, start=1):
        try:
            result = check_line(line, line_no, with_context=with_context)
        except Exception as exc:  # one line must never stop the stream
            result = _error(line_no, None, f"Could not assess this line ({type(exc).__name__}).")
        errors += "error" in result
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return errors


@dataclass(frozen=True)
class Scores:
    """Counts and rates for one slice of the labelled set (overall or a category)."""

    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    negatives: int = 0
    false_alarms: int = 0

    @property
    def recall(self) -> float:
        """Share of risk messages that were flagged (1.0 when there are none)."""
        total = self.true_positives + self.false_negatives
        return self.true_positives / total if total else 1.0

    @property
    def precision(self) -> float:
        """Share of flags that were right (1.0 when nothing was flagged)."""
        total = self.true_positives + self.false_positives
        return self.true_positives / total if total else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of the no-risk messages that were flagged."""
        return self.false_alarms / self.negatives if self.negatives else 0.0


@dataclass(frozen=True)
class Outcome:
    """One labelled message and what the detector said."""

    id: str
    text: str
    risk: bool
    category: str | None
    difficulty: str | None
    assessment: RiskAssessment


@dataclass(frozen=True)
class EvaluationReport:
    """Results of :func:`evaluate`.

    Attributes:
        overall: Scores on risk vs no risk.
        per_category: A message counts as found for a category only if the
            detector reported that category.
        misses: Risk messages not flagged at all.
        false_alarms: No-risk messages that were flagged.
        category_misses: Flagged risk messages whose category was not reported.
    """

    overall: Scores
    per_category: dict[str, Scores]
    misses: tuple[Outcome, ...] = ()
    false_alarms: tuple[Outcome, ...] = ()
    category_misses: tuple[Outcome, ...] = field(default=())
    total: int = 0


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    """Read a labelled JSONL file; raises ValueError naming the bad line."""
    rows = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ValueError(f"{path}:{no}: expected an object with a string 'text'")
        if not isinstance(row.get("risk"), bool):
            raise ValueError(f"{path}:{no}: 'risk' must be true or false")
        rows.append(row)
    return rows


def evaluate(path: str | Path) -> EvaluationReport:
    """Score the detector on a labelled JSONL file.

    Each line is ``{"id", "text", "risk": bool, "category": str|null}``.

    Args:
        path: The labelled file.

    Returns:
        Recall, precision and false-alarm rate overall and per category, with
        every miss and false alarm listed.
    """
    outcomes = [
        Outcome(
            str(r.get("id")),
            r["text"],
            r["risk"],
            r.get("category"),
            r.get("difficulty"),
            assess(r["text"]),
        )
        for r in load_labelled(path)
    ]
    negatives = [o for o in outcomes if not o.risk]

    def scores(hit: Any, gold: Any) -> Scores:
        return Scores(
            true_positives=sum(1 for o in outcomes if gold(o) and hit(o)),
            false_negatives=sum(1 for o in outcomes if gold(o) and not hit(o)),
            false_positives=sum(1 for o in outcomes if hit(o) and not gold(o)),
            negatives=len(negatives),
            false_alarms=sum(1 for o in negatives if hit(o)),
        )

    per_category = {
        cat: scores(lambda o, c=cat: c in o.assessment.categories, lambda o, c=cat: o.category == c)
        for cat in CATEGORIES
    }
    return EvaluationReport(
        overall=scores(lambda o: o.assessment.risk, lambda o: o.risk),
        per_category=per_category,
        misses=tuple(o for o in outcomes if o.risk and not o.assessment.risk),
        false_alarms=tuple(o for o in negatives if o.assessment.risk),
        category_misses=tuple(
            o
            for o in outcomes
            if o.risk and o.assessment.risk and o.category not in o.assessment.categories
        ),
        total=len(outcomes),
    )


def format_report(report: EvaluationReport) -> str:
    """Render an :class:`EvaluationReport` as plain text for a terminal."""
    o = report.overall
    lines = [
        f"messages: {report.total}  risk: {o.true_positives + o.false_negatives}  "
        f"no-risk: {o.negatives}",
        f"overall   recall {o.recall:.3f}  precision {o.precision:.3f}  "
        f"false-alarm rate {o.false_alarm_rate:.3f}",
        "per category (a hit needs the right category):",
    ]
    for cat, s in report.per_category.items():
        lines.append(
            f"  {cat:<22} n={s.true_positives + s.false_negatives:<4} recall {s.recall:.3f}  "
            f"precision {s.precision:.3f}  false-alarm rate {s.false_alarm_rate:.3f}"
        )
    for title, items in (
        ("misses", report.misses),
        ("false alarms", report.false_alarms),
        ("flagged with another category", report.category_misses),
    ):
        lines.append(f"{title} ({len(items)}):")
        for item in items:
            why = ", ".join(f"{m.rule_id}:{m.text!r}" for m in item.assessment.matches)
            lines.append(f"  {item.id} [{item.category or '-'}] {item.text[:100]!r} {why}")
    return "\n".join(lines)


def format_decisions(path: str | Path) -> str:
    """What Ally would do with each line of a labelled file: the tiers, as ``ally risk eval``.

    For disclosures: caught (escalate or ask) and escalated; for everyday messages: flagged
    (escalate or ask) and escalated; overall, per category, and per ``group``/``kind``.
    """
    from bot.risk.generalisation import Tally

    slices: dict[str, Tally] = {}
    misses: list[str] = []
    for row in load_labelled(path):
        decision = decide(row["text"])
        label = "disclosures" if row["risk"] else "everyday"
        keys = [label, f"{label} / {row.get('category') or '-'}"]
        group = row.get("group") or row.get("kind") or row.get("difficulty")
        if group:
            keys.append(f"{label} / {group}")
        for key in keys:
            slices.setdefault(key, Tally()).actions[decision.action] += 1
        if row["risk"] and decision.action == "none":
            misses.append(f"  {row.get('id')} [{row.get('category') or '-'}] {row['text'][:100]!r}")
    lines = [f"{'slice':48} {'n':>5} {'escalate':>9} {'ask':>6} {'either':>7}"]
    for key in sorted(slices, key=lambda k: (not k.startswith("disclosures"), k)):
        tally = slices[key]
        lines.append(
            f"{key:48} {tally.total:5d} {tally.rate('escalate'):9.3f} {tally.rate('ask'):6.3f} "
            f"{tally.rate('escalate', 'ask'):7.3f}"
        )
    lines.append(f"disclosures missed ({len(misses)}):")
    return "\n".join(lines + misses)
