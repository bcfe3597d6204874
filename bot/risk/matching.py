"""A prefiltered set of spaCy matchers: only patterns that can match are run.

Running ~800 token patterns on every message costs over a millisecond, while
most messages contain none of the rarer words those patterns need. Each pattern
line gets its own ``Matcher`` and a cheap precondition computed from its
required tokens: words (or a regex) that must occur in the message. A line runs
only if its precondition holds, so a line can never be skipped when it could
have matched: the prefilter changes speed, not results.

Candidate lines are found through an index from anchor word to lines (one
lookup per word of the sentence, not one check per line), and a line then runs
only if some variant of it has all the words it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot.risk.patterns import TokenSpec

SHORT_DOC = 96  # tokens; longer docs are matched sentence by sentence
_ENDS = frozenset({".", "!", "?", "…", "...", "!!", "??", "?!"})

# Words too frequent to make a useful anchor.
_COMMON = frozenset(
    """i me my to the a an it be is am are was 'm m not n't nt and of in on you that this so
    just do have 's s 've at for with all up out no never can will 'll ll would 'd d he she
    they we your get go going gon na want like feel really her him them his their by been
    being got if when once other but over life end take stop off as""".split()  # noqa: SIM905
)


def _required(specs: list[TokenSpec]) -> tuple[set[frozenset[str]], set[str]]:
    """Value sets and regexes of a token pattern's non-optional tokens."""
    words: set[frozenset[str]] = set()
    regexes: set[str] = set()
    for spec in specs:
        if spec.get("OP") == "?":
            continue
        for attr in ("LEMMA", "NORM"):
            value = spec.get(attr)
            if isinstance(value, dict) and value.get("IN"):
                words.add(frozenset(value["IN"]))
        lower = spec.get("LOWER")
        if isinstance(lower, dict) and "REGEX" in lower:
            regexes.add(lower["REGEX"])
    return words, regexes


def _best(sets: Iterable[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: avoid common words, then prefer fewer values."""
    # A set holding punctuation ("-" from "co-codamol", "." from "o.d.") hits almost every message.
    ranked = sorted(
        sets,
        key=lambda s: (bool(_COMMON & s), any(not w[:1].isalnum() for w in s), len(s), sorted(s)),
    )
    return ranked[0] if ranked else None


@dataclass
class _Line:
    key: str
    matcher: Matcher
    anchors: frozenset[str] | None  # one of these must occur (None: no condition)
    required: tuple[frozenset[str], ...]  # each of these sets must be hit
    regexes: tuple[re.Pattern[str], ...]  # each must match some token
    # Per variant, the word sets it needs; some variant must have all of them.
    variants: tuple[tuple[frozenset[str], ...], ...] = ()


class FilteredMatcher:
    """Many small matchers, each skipped unless the doc has the words it needs."""

    def __init__(self, vocab: Vocab) -> None:
        self._vocab = vocab
        self._lines: list[_Line] = []
        self._longest = 1  # tokens in the longest token pattern
        # Anchor word -> indices of the lines it anchors; lines without anchors always run.
        self._by_anchor: dict[str, list[int]] = {}
        self._unanchored: list[int] = []

    def add(self, key: str, patterns: list[list[TokenSpec]]) -> None:
        """Add one pattern line (its compiled variants) under ``key``."""
        matcher = Matcher(self._vocab, validate=True)
        matcher.add(key, patterns, greedy="LONGEST")
        self._longest = max([self._longest, *(len(specs) for specs in patterns)])
        per_variant = [_required(specs) for specs in patterns]
        # Sets and regexes required by EVERY variant must all be present.
        common_words = set.intersection(*(w for w, _ in per_variant))
        common_regex = set.intersection(*(r for _, r in per_variant))
        # Otherwise at least one variant's best anchor must be present.
        anchors: set[str] = set()
        for words, _ in per_variant:
            best = _best(words)
            if best is None:
                anchors = set()
                break
            anchors |= best
        variants = {
            tuple(sorted(words - common_words, key=lambda w: (len(w), sorted(w))))
            for words, _ in per_variant
        }
        index = len(self._lines)
        self._lines.append(
            _Line(
                key,
                matcher,
                frozenset(anchors) or None,
                tuple(sorted(common_words, key=len)),
                tuple(re.compile(r) for r in sorted(common_regex)),
                () if () in variants else tuple(sorted(variants)),
            )
        )
        if anchors:
            for word in anchors:
                self._by_anchor.setdefault(word, []).append(index)
        else:
            self._unanchored.append(index)

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Return ``(key, start, end)`` matches; per key, overlaps keep the longest."""
        found: list[tuple[str, int, int]] = []
        for start, end in _segments(doc, self._longest):
            # Patterns never cross a sentence, so each sentence is filtered on its own.
            span = doc[start:end]
            lowers = {t.lower_ for t in span}
            words = lowers | {t.norm_ for t in span} | {t.lemma_ for t in span}
            # Only lines anchored by a word of this sentence (an index lookup per word,
            # not a check per line), plus the few lines without an anchor.
            candidates = set(self._unanchored)
            for word in words:
                candidates.update(self._by_anchor.get(word, ()))
            for index in sorted(candidates):
                line = self._lines[index]
                if any(req.isdisjoint(words) for req in line.required):
                    continue
                if line.variants and not any(
                    all(not req.isdisjoint(words) for req in needs) for needs in line.variants
                ):
                    continue
                if not all(any(rx.search(w) for w in lowers) for rx in line.regexes):
                    continue
                found.extend((line.key, start + s, start + e) for _, s, e in line.matcher(span))
        return _longest_per_key(found)


def _segments(doc: Doc, overlap: int) -> list[tuple[int, int]]:
    """Sentence-like token ranges; long run-on sentences become overlapping windows.

    Splits after . ! ? and newlines. A piece longer than SHORT_DOC tokens is cut
    into windows that overlap by the longest pattern, so no match is lost.
    """
    if len(doc) <= SHORT_DOC:
        return [(0, len(doc))]
    pieces: list[tuple[int, int]] = []
    start = 0
    for token in doc:
        if token.text in _ENDS or "\n" in token.text:
            pieces.append((start, token.i + 1))
            start = token.i + 1
    if start < len(doc):
        pieces.append((start, len(doc)))
    windows: list[tuple[int, int]] = []
    step = max(SHORT_DOC - overlap, 1)
    for first, last in pieces:
        begin = first
        while True:
            windows.append((begin, min(begin + SHORT_DOC, last)))
            if begin + SHORT_DOC >= last:
                break
            begin += step
    return windows


def _longest_per_key(found: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Per key, keep the longest of overlapping matches (linear in matched tokens)."""
    kept: list[tuple[str, int, int]] = []
    taken: dict[str, set[int]] = {}
    for key, start, end in sorted(set(found), key=lambda m: (m[1] - m[2], m[1], m[0])):
        used = taken.setdefault(key, set())
        if used.isdisjoint(range(start, end)):
            used.update(range(start, end))
            kept.append((key, start, end))
    return sorted(kept, key=lambda m: (m[1], m[2], m[0]))
