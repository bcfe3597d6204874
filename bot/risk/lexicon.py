"""Load and validate the clinician-editable YAML lexicon in ``bot/risk/data``.

Files (all plain YAML, see ``docs/risk.md``):

* ``macros.yml`` - shared word lists used as ``$NAME`` in patterns;
* ``context.yml`` - cue patterns for negation, third parties, fiction, past...;
* ``rules_*.yml`` - the risk rules, one file per category;
* ``exclusions.yml`` - idioms and everyday phrases that cancel an overlapping match.

A bad file or rule raises :class:`LexiconError` naming the file and the rule, so
a clinician editing the data gets a precise message instead of a stack trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.risk.assessment import CATEGORIES, SEVERITIES
from bot.risk.patterns import PatternError, compile_pattern

DATA_DIR = Path(__file__).parent / "data"
CONTEXT_KEYS = (
    "negation",
    "pseudo_negation",
    "first_person",
    "third_person",
    "fiction",
    "past",
    "resolved",
    "timing",
)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class LexiconError(ValueError):
    """The lexicon data is invalid; the message names the file and rule."""


@dataclass(frozen=True)
class Rule:
    """One risk rule (or, with ``category == "exclusion"``, one exclusion).

    Attributes:
        id: Unique snake_case id, reported in every match.
        category: A category from ``CATEGORIES`` or ``"exclusion"``.
        severity: Base severity before context adjustments.
        patterns: Pattern lines (see :mod:`bot.risk.patterns`).
        comment: What the rule is for, for the next clinician.
        examples: Messages the rule must catch (exclusions: must not be flagged).
        topic: The rule matches a topic word ("suicide", "abuse") that is often
            just discussed; in a film/course/news context it is dropped.
    """

    id: str
    category: str
    severity: str
    patterns: tuple[str, ...]
    comment: str
    examples: tuple[str, ...] = ()
    topic: bool = False


@dataclass(frozen=True)
class Lexicon:
    """Everything the detector needs, validated."""

    macros: dict[str, str]
    clause_breaks: tuple[str, ...]
    negation_bridges: tuple[str, ...]
    context: dict[str, tuple[str, ...]]
    third_party_categories: tuple[str, ...]
    third_party_cap: str
    rules: tuple[Rule, ...]
    exclusions: tuple[Rule, ...]
    # Text-speak read as the word it stands for ("no1" -> "noone"), as NORM: context.yml.
    spellings: dict[str, str] = field(default_factory=dict)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping at the top level")
    return data


def _str_list(value: Any, where: str, allow_empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: expected a list of non-empty strings")
    if not value and not allow_empty:
        raise LexiconError(f"{where}: the list is empty")
    return tuple(v.strip() for v in value)


def _check_patterns(patterns: tuple[str, ...], macros: dict[str, str], where: str) -> None:
    for pattern in patterns:
        try:
            compile_pattern(pattern, macros)
        except PatternError as exc:
            raise LexiconError(f"{where}: pattern {pattern!r}: {exc}") from None


def _parse_rule(raw: Any, path: Path, index: int, macros: dict[str, str], exclusion: bool) -> Rule:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    where = f"{path.name}: rule #{index + 1} ({rule_id or 'no id'})"
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: expected a mapping with id, category, severity, patterns")
    allowed = {"id", "category", "severity", "patterns", "comment", "examples", "topic"}
    if unknown := sorted(set(raw) - allowed):
        raise LexiconError(f"{where}: unknown field(s) {unknown}")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise LexiconError(f"{where}: 'id' must be snake_case text")
    category, severity = raw.get("category"), raw.get("severity")
    if exclusion:
        category, severity = "exclusion", "none"
    elif category not in CATEGORIES:
        raise LexiconError(f"{where}: category {category!r} is not one of {CATEGORIES}")
    elif severity not in SEVERITIES[1:]:
        raise LexiconError(f"{where}: severity {severity!r} is not one of {SEVERITIES[1:]}")
    comment = raw.get("comment")
    if not isinstance(comment, str) or not comment.strip():
        raise LexiconError(f"{where}: 'comment' (a short human explanation) is required")
    patterns = _str_list(raw.get("patterns"), f"{where}: 'patterns'")
    _check_patterns(patterns, macros, where)
    examples = _str_list(raw.get("examples", []) or [], f"{where}: 'examples'", allow_empty=True)
    topic = raw.get("topic", False)
    if not isinstance(topic, bool):
        raise LexiconError(f"{where}: 'topic' must be true or false")
    return Rule(rule_id, str(category), str(severity), patterns, comment.strip(), examples, topic)


def _load_rules(path: Path, macros: dict[str, str], exclusion: bool) -> list[Rule]:
    data = _read(path)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise LexiconError(f"{path}: expected a non-empty 'rules' list")
    return [_parse_rule(raw, path, i, macros, exclusion) for i, raw in enumerate(raw_rules)]


def load_lexicon(data_dir: Path | None = None) -> Lexicon:
    """Load and validate all lexicon files from ``data_dir``.

    Args:
        data_dir: Folder with the YAML files; defaults to the packaged data.

    Returns:
        The validated lexicon.

    Raises:
        LexiconError: If a file is missing, unreadable or has an invalid rule.
    """
    folder = data_dir or DATA_DIR
    raw_macros = _read(folder / "macros.yml").get("macros")
    if not isinstance(raw_macros, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw_macros.items()
    ):
        raise LexiconError(f"{folder / 'macros.yml'}: 'macros' must map NAME to 'a|b|c'")
    macros = {k: v.strip() for k, v in raw_macros.items()}
    ctx_path = folder / "context.yml"
    ctx = _read(ctx_path)
    breaks = _str_list(ctx.get("clause_breaks"), f"{ctx_path.name}: 'clause_breaks'")
    bridges = _str_list(ctx.get("negation_bridges"), f"{ctx_path.name}: 'negation_bridges'")
    context: dict[str, tuple[str, ...]] = {}
    for key in CONTEXT_KEYS:
        context[key] = _str_list(ctx.get(key), f"{ctx_path.name}: '{key}'")
        _check_patterns(context[key], macros, f"{ctx_path.name}: '{key}'")
    tp_where = f"{ctx_path.name}: third_party_categories"
    tp_cats = _str_list(ctx.get("third_party_categories"), tp_where)
    if bad := [c for c in tp_cats if c not in CATEGORIES]:
        raise LexiconError(f"{ctx_path.name}: unknown third_party_categories {bad}")
    cap = ctx.get("third_party_cap")
    if cap not in SEVERITIES[1:]:
        raise LexiconError(f"{ctx_path.name}: third_party_cap {cap!r} is not a severity")
    spellings = _spellings(ctx.get("spellings", {}), f"{ctx_path.name}: 'spellings'")
    rule_files = sorted(folder.glob("rules_*.yml"))
    if not rule_files:
        raise LexiconError(f"{folder}: no rules_*.yml files found")
    rules = [r for path in rule_files for r in _load_rules(path, macros, exclusion=False)]
    exclusions = _load_rules(folder / "exclusions.yml", macros, exclusion=True)
    seen: set[str] = set()
    for rule in [*rules, *exclusions]:
        if rule.id in seen:
            raise LexiconError(f"{folder}: rule id {rule.id!r} is used twice")
        seen.add(rule.id)
    return Lexicon(
        macros, breaks, bridges, context, tp_cats, str(cap), tuple(rules), tuple(exclusions),
        spellings,
    )  # fmt: skip


def _spellings(raw: Any, where: str) -> dict[str, str]:
    """One lower-case word to one lower-case word, no spaces: a token's NORM."""
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        and " " not in k.strip() and " " not in v.strip()
        for k, v in raw.items()
    ):  # fmt: skip
        raise LexiconError(f"{where}: expected a mapping of one word to one word")
    return {k.strip().lower(): v.strip().lower() for k, v in raw.items()}
