"""Context around a rule match: clauses, negation, who it is about, fiction, past.

Everything here works on token indices of one spaCy ``Doc`` and on the spans
found by the context ``Matcher`` (labels from ``context.yml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "!!", "??", "?!"})
NEGATION_WINDOW = 8  # tokens before a match that a negation may come from
SUBJECT_WINDOW = 6  # tokens before a match searched for its subject


@dataclass(frozen=True)
class DocContext:
    """Per-token facts about one document, computed once per message."""

    lowers: tuple[str, ...]
    clause: tuple[int, ...]
    sentence: tuple[int, ...]
    negation: frozenset[int]
    first_person: frozenset[int]
    third_person: frozenset[int]
    fiction_sentences: frozenset[int]
    past_sentences: frozenset[int]
    resolved: bool
    timing: dict[int, tuple[int, int]]
    bridges: frozenset[str]


def _tokens(spans: Iterable[tuple[int, int]]) -> set[int]:
    return {t for start, end in spans for t in range(start, end)}


def build_context(
    doc: Doc,
    cues: dict[str, list[tuple[int, int]]],
    clause_breaks: frozenset[str],
    bridges: frozenset[str],
) -> DocContext:
    """Compute clause/sentence ids and cue positions for ``doc``.

    Args:
        doc: The processed (normalised) message.
        cues: Context matcher spans by label (``negation``, ``fiction``...).
        clause_breaks: Lower-case words that start a new clause.
        bridges: Words after which a new "I" keeps the negation in scope.

    Returns:
        The context used by :func:`is_negated`, :func:`subject_of` and friends.
    """
    clause: list[int] = []
    sentence: list[int] = []
    clause_id = sentence_id = 0
    for token in doc:
        text = token.lower_
        is_newline = "\n" in token.text
        if is_newline or (token.is_punct and text not in ("'", "-", "/")) or text in clause_breaks:
            clause_id += 1
        clause.append(clause_id)
        sentence.append(sentence_id)
        if is_newline or text in _SENTENCE_END:
            sentence_id += 1
    # A cue token covered by a pseudo-negation ("can't stop", "not sure") is no negation.
    pseudo = _tokens(cues.get("pseudo_negation", []))
    negation = _tokens(cues.get("negation", [])) - pseudo
    return DocContext(
        lowers=tuple(t.lower_ for t in doc),
        clause=tuple(clause),
        sentence=tuple(sentence),
        negation=frozenset(negation),
        first_person=frozenset(_tokens(cues.get("first_person", []))),
        third_person=frozenset(_tokens(cues.get("third_person", []))),
        fiction_sentences=frozenset(sentence[s] for s, _ in cues.get("fiction", [])),
        past_sentences=frozenset(sentence[s] for s, _ in cues.get("past", [])),
        resolved=bool(cues.get("resolved")),
        timing={sentence[s]: (s, e) for s, e in reversed(cues.get("timing", []))},
        bridges=bridges,
    )


def is_negated(ctx: DocContext, start: int) -> bool:
    """True if a negation cue precedes token ``start`` within its clause.

    The search stops at a clause boundary and at a fresh "I" subject, so
    "I'm not okay I want to die" keeps its risk while "I would never hurt
    myself" and "I don't think I'd hurt myself" do not.
    """
    for t in range(start - 1, max(start - NEGATION_WINDOW, 0) - 1, -1):
        if ctx.clause[t] != ctx.clause[start]:
            return False
        if t in ctx.negation:
            return True
        if ctx.lowers[t] == "i" and t > 0 and ctx.lowers[t - 1] not in ctx.bridges:
            return False
    return False


def subject_of(ctx: DocContext, start: int, end: int) -> str:
    """Guess who a match is about: ``"self"``, ``"other"`` or ``"unknown"``.

    Third-person words inside the match ("kill herself") win; otherwise the
    nearest person word before the match in the same clause decides.
    """
    inside = range(start, end)
    if any(t in ctx.third_person for t in inside) and not any(
        t in ctx.first_person for t in inside
    ):
        return "other"
    for t in range(start - 1, max(start - SUBJECT_WINDOW, 0) - 1, -1):
        if ctx.clause[t] != ctx.clause[start]:
            break
        if t in ctx.first_person:
            return "self"
        if t in ctx.third_person:
            return "other"
    return "unknown"


def timing_in_sentence(ctx: DocContext, start: int) -> tuple[int, int] | None:
    """Return the first timing cue span ("tonight", "right now") in the match's sentence."""
    return ctx.timing.get(ctx.sentence[start])
