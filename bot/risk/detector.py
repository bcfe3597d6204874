"""The rule-based risk detector: spaCy tokenizer + lookup lemmatizer + Matcher.

No statistical model is used, so results are deterministic and explainable:
every flag carries the rule id and the exact span of the original text.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.risk.assessment import NO_RISK, RiskAssessment, RiskMatch, min_severity, severity_rank
from bot.risk.context import (
    DocContext,
    build_context,
    is_negated,
    subject_of,
    timing_in_sentence,
)
from bot.risk.dropped_g import DroppedG
from bot.risk.lexicon import CONTEXT_KEYS, Lexicon, LexiconError, Rule, load_lexicon
from bot.risk.normalize import normalise
from bot.risk.patterns import PatternError, compile_pattern

if TYPE_CHECKING:  # spaCy is imported on first use, keeping `import bot.risk` cheap
    from spacy.language import Language

    from bot.risk.matching import FilteredMatcher

log = logging.getLogger(__name__)

#: Long messages are assessed in sentence-aligned pieces of at most this many
#: characters: patterns never cross a sentence, and small pieces keep the prefilter sharp.
CHUNK_CHARS = 2_000
#: Rule id reported for the extra match added by a timing cue.
TIMING_RULE = "timing_escalation"
_ESCALATE = frozenset({"suicidal_ideation", "suicide_plan_or_means"})
_STOPS = frozenset({".", "!", "?", "…", "...", "!!", "??", "?!"})


def build_nlp() -> Language:
    """Build the blank English pipeline with the lookup lemmatizer (no model)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup table from spacy-lookups-data
    return nlp


@functools.lru_cache(maxsize=1)
def shared_nlp() -> Language:
    """Return the process-wide pipeline of :func:`build_nlp`, built on first use.

    The risk detector and the intent classifier's lemmas both use it: one copy of the lemma
    tables per process (about 11 MB each).
    """
    return build_nlp()


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Split long text at a line/sentence/space break so no piece exceeds CHUNK_CHARS."""
    offset = 0
    while len(text) - offset > CHUNK_CHARS:
        window = text[offset : offset + CHUNK_CHARS]
        cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("! "), window.rfind("? "))
        if cut < CHUNK_CHARS // 2:
            cut = window.rfind(" ")
        cut = cut + 1 if cut >= CHUNK_CHARS // 2 else CHUNK_CHARS
        yield offset, text[offset : offset + cut]
        offset += cut
    yield offset, text[offset:]


class RiskDetector:
    """Finds risk in a message using the YAML lexicon.

    Build it once per process (see :func:`get_detector`): building loads the
    lemma tables and compiles every pattern, which takes about a second.

    Args:
        lexicon: The rules to use; defaults to the packaged lexicon.

    Raises:
        LexiconError: If a pattern cannot be compiled.
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        from bot.risk.matching import FilteredMatcher

        self.lexicon = lexicon or load_lexicon()
        self.nlp = shared_nlp()
        lemmatizer = self.nlp.get_pipe("lemmatizer")
        self._dropped_g = DroppedG(lemmatizer.lookups.get_table("lemma_lookup"))  # type: ignore[attr-defined]
        self._spellings = self.lexicon.spellings
        self._breaks = frozenset(self.lexicon.clause_breaks)
        self._bridges = frozenset(self.lexicon.negation_bridges)
        self.rules: dict[str, Rule] = {r.id: r for r in self.lexicon.rules}
        self._rule_matcher = FilteredMatcher(self.nlp.vocab)
        self._exclusion_matcher = FilteredMatcher(self.nlp.vocab)
        self._context_matcher = FilteredMatcher(self.nlp.vocab)
        for rule in self.lexicon.rules:
            self._add(self._rule_matcher, rule.id, rule.patterns, f"rule {rule.id!r}")
        for rule in self.lexicon.exclusions:
            self._add(self._exclusion_matcher, rule.id, rule.patterns, f"exclusion {rule.id!r}")
        for key in CONTEXT_KEYS:
            self._add(self._context_matcher, key, self.lexicon.context[key], f"context {key!r}")

    def _tokenize(self, phrase: str) -> list[tuple[str, str]]:
        # Literal pattern words are split exactly like messages are.
        return [(t.lower_, t.norm_) for t in self.nlp.make_doc(normalise(phrase).text)]

    def _add(
        self, matcher: FilteredMatcher, key: str, patterns: tuple[str, ...], where: str
    ) -> None:
        for line in patterns:
            try:
                compiled = compile_pattern(line, self.lexicon.macros, self._tokenize, self._breaks)
            except PatternError as exc:
                raise LexiconError(f"{where}: pattern {line!r}: {exc}") from None
            matcher.add(key, compiled)

    def assess(self, text: str) -> RiskAssessment:
        """Assess one message.

        Args:
            text: The message exactly as typed (any length, any Unicode).

        Returns:
            The assessment; offsets in its matches point into ``text``.

        Raises:
            TypeError: If ``text`` is not a string (never for any ``str``).
        """
        if not isinstance(text, str):
            raise TypeError(f"assess() needs a str, not {type(text).__name__}")
        if not text or text.isspace():
            return NO_RISK
        matches: list[RiskMatch] = []
        for offset, chunk in _chunks(text):
            matches.extend(self._assess_chunk(chunk, offset, text))
        return RiskAssessment.from_matches(matches) if matches else NO_RISK

    def _assess_chunk(self, chunk: str, offset: int, original: str) -> list[RiskMatch]:
        norm = normalise(chunk)
        # The final newline is the end-of-message token that ``$END`` patterns need.
        doc = self.nlp(norm.text + "\n")
        for token in doc:  # "killin" reads as "killing" (bot/risk/dropped_g.py)
            full = self._dropped_g.full_form(token.lower_)
            if full is not None:
                token.norm_, token.lemma_ = full
            elif token.lower_ in self._spellings:  # "no1" reads as "noone" (context.yml)
                token.norm_ = self._spellings[token.lower_]
        hits = self._rule_matcher(doc)
        if not hits:  # the common case: skip all context work
            return []
        excluded = {t for _, s, e in self._exclusion_matcher(doc) for t in range(s, e)}
        cues: dict[str, list[tuple[int, int]]] = {}
        for label, start, end in self._context_matcher(doc):
            cues.setdefault(label, []).append((start, end))
        ctx = build_context(doc, cues, self._breaks, self._bridges)

        def to_match(rule_id: str, category: str, severity: str, start: int, end: int) -> RiskMatch:
            # A trailing $END newline or full stop is not part of what the person said.
            while end - start > 1 and (doc[end - 1].is_space or doc[end - 1].text in _STOPS):
                end -= 1
            char_start = doc[start].idx
            char_end = doc[end - 1].idx + len(doc[end - 1].text)
            first, last = norm.span(char_start, char_end)
            first, last = first + offset, last + offset
            return RiskMatch(rule_id, category, severity, first, last, original[first:last])

        found: list[RiskMatch] = []
        for rule_id, start, end in hits:
            rule = self.rules[rule_id]
            if not excluded.isdisjoint(range(start, end)) or is_negated(ctx, start):
                continue
            severity = self._adjust(rule, ctx, start, end)
            if severity is None:
                continue
            found.append(to_match(rule.id, rule.category, severity, start, end))
            escalate = (
                rule.category in _ESCALATE
                and severity_rank(severity) >= severity_rank("medium")
                and subject_of(ctx, start, end) != "other"
            )
            timing = timing_in_sentence(ctx, start) if escalate else None
            if timing is not None:
                # "...kill myself tonight": a current wish plus a time is a plan.
                found.append(to_match(TIMING_RULE, "suicide_plan_or_means", "imminent", *timing))
        return found

    def _adjust(self, rule: Rule, ctx: DocContext, start: int, end: int) -> str | None:
        """Apply fiction, third-party and past context; None means drop the match."""
        severity = rule.severity
        subject = subject_of(ctx, start, end)
        sentence = ctx.sentence[start]
        if sentence in ctx.fiction_sentences:
            if rule.topic or subject != "self":
                return None  # a film, essay, lecture or news story
            severity = min_severity(severity, "low")
        elif subject == "other" and rule.category in self.lexicon.third_party_categories:
            severity = min_severity(severity, self.lexicon.third_party_cap)
        if sentence in ctx.past_sentences:
            severity = min_severity(severity, "low" if ctx.resolved else "medium")
        return severity


@functools.lru_cache(maxsize=1)
def get_detector() -> RiskDetector:
    """Return the process-wide detector, built on first use (never at import)."""
    log.info("building risk detector")
    return RiskDetector()


def assess(text: str) -> RiskAssessment:
    """Assess ``text`` with the shared detector. See :meth:`RiskDetector.assess`."""
    return get_detector().assess(text)
