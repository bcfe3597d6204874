"""Leave-one-source-out evaluation: how the whole decision does on a source it never saw.

For every source of the corpus (``data/risk/corpus.yml``), the classifier is trained on all the
other sources and the decision (rules, classifier, tiers) is measured on the one left out. These
are the figures ``docs/risk.md`` quotes. Note that the rules were written before these sources
were (except the probes, which the rules were tuned on): :class:`SourceResult` says which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.risk.corpus import Example, load_corpus, sources
from bot.risk.learning import SEED, _Matrix, train
from bot.risk.tiers import ACTIONS, decide


@dataclass
class Tally:
    """Actions taken on one slice (risk or everyday messages of a source or a category)."""

    actions: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Messages in the slice."""
        return sum(self.actions.values())

    def rate(self, *names: str) -> float:
        """Share of the slice that got one of ``names``."""
        return sum(self.actions[n] for n in names) / self.total if self.total else 0.0


@dataclass
class SourceResult:
    """One left-out source."""

    name: str
    origin: str
    risk: Tally = field(default_factory=Tally)
    everyday: Tally = field(default_factory=Tally)
    categories: dict[str, Tally] = field(default_factory=dict)
    misses: list[tuple[str, str]] = field(default_factory=list)  # (id, category)
    # One record per message: id, risk, category, kind, action, score, rules' top severity.
    records: list[dict[str, object]] = field(default_factory=list)


def _measure(
    name: str,
    origin: str,
    examples: Sequence[Example],
    decide_one: Callable[[str], tuple[str, float, str]],
) -> SourceResult:
    result = SourceResult(name, origin)
    for example in examples:
        action, score, rules = decide_one(example.text)
        result.records.append({
            "id": example.id, "source": name, "risk": example.risk, "category": example.category,
            "kind": example.kind, "action": action, "score": round(score, 5), "rules": rules,
        })  # fmt: skip
        if example.risk:
            result.risk.actions[action] += 1
            category = example.category or "unlabelled"
            result.categories.setdefault(category, Tally()).actions[action] += 1
            if action == "none":
                result.misses.append((example.id, category))
        else:
            result.everyday.actions[action] += 1
    return result


def leave_one_source_out(
    project: Path, *, only: Sequence[str] = (), seed: int = SEED,
    progress: Callable[[str], None] = lambda _: None,
) -> list[SourceResult]:  # fmt: skip
    """Train without each source and measure the decision on it."""
    examples = load_corpus(project)
    matrix = _Matrix([e.text for e in examples])
    origins = {s.name: s.origin for s in sources(project)}
    results = []
    for name, origin in origins.items():
        if only and name not in only:
            continue
        held = [i for i, e in enumerate(examples) if e.source == name]
        rest = [i for i, e in enumerate(examples) if e.source != name]
        if not held:
            continue
        progress(f"{name}: training on {len(rest)}, measuring {len(held)}")
        model = train(examples, seed=seed, matrix=matrix, rows=rest)

        def decide_one(text: str, model: object = model) -> tuple[str, float, str]:
            decision = decide(text, classifier=model)  # type: ignore[arg-type]
            return decision.action, decision.score, decision.rules_severity

        results.append(_measure(name, origin, [examples[i] for i in held], decide_one))
    return results


def pooled(results: Sequence[SourceResult]) -> SourceResult:
    """All left-out results added up (each message was measured by a model that never saw it)."""
    total = SourceResult("all", "all")
    for result in results:
        total.risk.actions.update(result.risk.actions)
        total.everyday.actions.update(result.everyday.actions)
        for category, tally in result.categories.items():
            total.categories.setdefault(category, Tally()).actions.update(tally.actions)
        total.misses.extend(result.misses)
        total.records.extend(result.records)
    return total


def format_results(results: Sequence[SourceResult]) -> str:
    """A plain-text table: per source, then pooled, then per category."""
    lines = [
        "Leave-one-source-out: each source measured by a classifier trained without it.",
        f"{'source':24} {'origin':8} {'risk':>5} {'caught':>7} {'escal.':>7} "
        f"{'everyday':>8} {'flagged':>8} {'escal.':>7}",
    ]
    for r in [*results, pooled(results)]:
        lines.append(
            f"{r.name:24} {r.origin:8} {r.risk.total:5d} {_pct(r.risk, 'ask', 'escalate'):>7} "
            f"{_pct(r.risk, 'escalate'):>7} {r.everyday.total:8d} "
            f"{_pct(r.everyday, 'ask', 'escalate'):>8} {_pct(r.everyday, 'escalate'):>7}"
        )
    total = pooled(results)
    lines.append("")
    lines.append("Per category (pooled): caught (escalate or ask), escalated")
    for category, tally in sorted(total.categories.items()):
        lines.append(
            f"  {category:24} {tally.total:5d} {_pct(tally, 'ask', 'escalate'):>7} "
            f"{_pct(tally, 'escalate'):>7}"
        )
    written = [r for r in results if r.origin in ("written", "public", "nlu")]
    if written:
        unseen = pooled(written)
        lines.append("")
        lines.append(
            "Sources the rules were never tuned on (written, public, nlu): "
            f"caught {_pct(unseen.risk, 'ask', 'escalate')}, escalated "
            f"{_pct(unseen.risk, 'escalate')} of {unseen.risk.total} disclosures; "
            f"everyday flagged {_pct(unseen.everyday, 'ask', 'escalate')}, escalated "
            f"{_pct(unseen.everyday, 'escalate')} of {unseen.everyday.total}"
        )
    return "\n".join(lines)


def _pct(tally: Tally, *names: str) -> str:
    return f"{tally.rate(*names):.3f}" if tally.total else "-"


__all__ = ["ACTIONS", "SourceResult", "Tally", "format_results", "leave_one_source_out", "pooled"]
