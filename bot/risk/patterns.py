"""A small pattern language for clinicians, compiled to spaCy ``Matcher`` patterns.

A pattern is a line of space-separated items, matched token by token:

* ``word`` - the word itself (contractions such as ``can't`` or ``gonna`` are
  split the way spaCy splits the message, so ``cant``/``can't``/``cannot`` agree);
* ``~word`` - any form of the word via its lemma (``~kill`` = kill, kills,
  killed, killing);
* ``a|~b|no_one`` - alternatives; join the words of a multi-word alternative
  with ``_`` (in ``macros.yml`` plain spaces work too);
* ``$NAME`` - a macro from ``macros.yml`` (a shared list of alternatives);
* ``/regex/`` - one token whose lower-case text matches the regex (``re.search``);
* ``...`` - up to three other words of the same clause (never punctuation or a
  clause-break word such as "but"), so "want to *really* die" still matches;
* ``$END`` - the end of a sentence or line: the end of the message, a newline,
  ``. ! ? …``, an emoji, or a trailing "tbh"/"honestly"/"ngl"/"fr"/"x". It lets
  a short phrase count only when it stands alone ("i give up." but not "i give
  up sugar"). A ``$END`` is reported as part of the match only if it is a word;
* a trailing ``?`` makes an item optional: ``really?``, ``$TO?``, ``/x+/?``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

TokenSpec = dict[str, Any]
#: A tokenizer returning (lower text, spaCy NORM) pairs for a literal phrase.
Tokenize = Callable[[str], list[tuple[str, str]]]

MAX_VARIANTS = 256  # keeps one pattern line from exploding into a huge Matcher
WILDCARD_SPAN = 3
_MACRO_DEPTH = 5
_NAME = re.compile(r"^\$[A-Z][A-Z0-9_]*$")
#: Built-in item: end of sentence/line/message (the detector adds a final newline).
END_ITEM = "$END"
END_REGEX = r"^(\s+|[.!?…]+|[^\w\s,;:'\"()\[\]/&*#@+=<>-]+|tbh|honestly|ngl|fr|frfr|x+)$"
_NEGATIONS = ("not", "n't", "nt", "never", "no", "nope", "nah", "cannot", "dont", "cant", "wont")


class PatternError(ValueError):
    """A pattern line cannot be compiled; the message says why."""


def split_tokenize(phrase: str) -> list[tuple[str, str]]:
    """Whitespace tokenizer used to syntax-check patterns without spaCy."""
    return [(word, word) for word in phrase.split()]


def _expand_macros(alternatives: list[str], macros: Mapping[str, str], depth: int = 0) -> list[str]:
    """Replace ``$NAME`` alternatives by the macro's own alternatives."""
    if depth > _MACRO_DEPTH:
        raise PatternError("macros nest too deeply (a macro probably refers to itself)")
    out: list[str] = []
    for alt in alternatives:
        if alt.startswith("$"):
            if not _NAME.match(alt):
                raise PatternError(f"bad macro name {alt!r} (use $UPPER_CASE)")
            if alt[1:] not in macros:
                raise PatternError(f"unknown macro {alt!r}")
            out.extend(_expand_macros(macros[alt[1:]].split("|"), macros, depth + 1))
        else:
            out.append(alt)
    return out


def _wildcards(clause_breaks: Sequence[str]) -> list[TokenSpec]:
    spec: TokenSpec = {
        "OP": "?",
        "IS_PUNCT": False,
        "IS_SPACE": False,
        # Never skip a clause break or a negation: "want to NOT die" is no risk.
        "LOWER": {"NOT_IN": sorted({*clause_breaks, *_NEGATIONS})},
    }
    return [dict(spec) for _ in range(WILDCARD_SPAN)]


def _item_variants(
    item: str, macros: Mapping[str, str], tokenize: Tokenize, clause_breaks: Sequence[str]
) -> list[list[TokenSpec]]:
    """Compile one item to alternative token sequences (each a list of specs)."""
    if item == "...":
        return [_wildcards(clause_breaks)]
    optional = item.endswith("?") and len(item) > 1
    body = item[:-1] if optional else item
    end_spec: TokenSpec = {"LOWER": {"REGEX": END_REGEX}}
    if body == END_ITEM:
        return [[{**end_spec, "OP": "?"}]] if optional else [[end_spec]]
    if END_ITEM in body.split("|"):
        # "$ANYMORE|$END": the other alternatives, or the end of the sentence.
        rest = "|".join(a for a in body.split("|") if a != END_ITEM)
        return [
            *_item_variants(rest + ("?" if optional else ""), macros, tokenize, clause_breaks),
            [end_spec],
        ]
    if len(body) >= 2 and body.startswith("/") and body.endswith("/"):
        try:
            re.compile(body[1:-1])
        except re.error as exc:
            raise PatternError(f"bad regex {body!r}: {exc}") from None
        spec: TokenSpec = {"LOWER": {"REGEX": body[1:-1]}}
        return [[{**spec, "OP": "?"}]] if optional else [[spec]]
    alternatives = _expand_macros([a.strip() for a in body.split("|")], macros)
    if any(a.startswith("/") for a in alternatives):
        raise PatternError(f"a /regex/ must be a whole item, not an alternative, in {item!r}")
    if any(not a or a in ("?", "...") for a in alternatives):
        raise PatternError(f"empty or misplaced alternative in {item!r}")
    lemmas = sorted({a[1:] for a in alternatives if a.startswith("~")})
    if any(not lemma or not lemma.replace("-", "").replace("'", "").isalnum() for lemma in lemmas):
        raise PatternError(f"a ~lemma must be one plain word (no _ or spaces), in {item!r}")
    by_length: dict[int, list[list[tuple[str, str]]]] = {}
    for alt in alternatives:
        if not alt.startswith("~"):
            tokens = tokenize(alt.replace("_", " "))
            if tokens:
                by_length.setdefault(len(tokens), []).append(tokens)
    variants: list[list[TokenSpec]] = []
    if lemmas:
        variants.append([{"LEMMA": {"IN": lemmas}}])
    for length, phrases in sorted(by_length.items()):
        # Same-length phrases share one spec per position: "can't|won't" -> [ca|wo][n't].
        variants.append(
            [
                {"NORM": {"IN": sorted({v for p in phrases for v in p[pos]})}}
                for pos in range(length)
            ]
        )
    if optional:
        if len(variants) == 1 and len(variants[0]) == 1:
            return [[{**variants[0][0], "OP": "?"}]]
        variants.append([])
    return variants


def compile_pattern(
    pattern: str,
    macros: Mapping[str, str],
    tokenize: Tokenize = split_tokenize,
    clause_breaks: Sequence[str] = (),
) -> list[list[TokenSpec]]:
    """Compile one pattern line to a list of spaCy ``Matcher`` token patterns.

    Args:
        pattern: The pattern line, e.g. ``"$WANT $TO? ... ~die"``.
        macros: Macro name (without ``$``) to alternatives string.
        tokenize: Splits a literal phrase into (lower, norm) pairs.
        clause_breaks: Words a ``...`` wildcard may not cross.

    Returns:
        Token patterns; the pattern matches if any of them matches.

    Raises:
        PatternError: On a syntax error, unknown macro or too many variants.
    """
    items = pattern.split()
    if not items:
        raise PatternError("empty pattern")
    per_item = [_item_variants(item, macros, tokenize, clause_breaks) for item in items]
    total = 1
    for variants in per_item:
        total *= len(variants)
    if total > MAX_VARIANTS:
        raise PatternError(f"pattern expands to {total} variants (max {MAX_VARIANTS}); split it")
    compiled: list[list[TokenSpec]] = []
    for combo in itertools.product(*per_item):
        specs = [spec for part in combo for spec in part]
        if not any(spec.get("OP") != "?" for spec in specs):
            raise PatternError("every item is optional; the pattern could match nothing")
        compiled.append(specs)
    return compiled
