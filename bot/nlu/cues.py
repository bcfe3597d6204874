"""Word features for the intent classifier beyond raw n-grams: lemmas and grammatical cues.

Two analysers for scikit-learn's ``TfidfVectorizer`` (``analyzer=...``), used by
``bot.nlu.ngram_intent_classifier``:

- :class:`LemmaNgrams`: n-grams of lemmas from spaCy's lookup lemmatiser (the tables in
  ``spacy-lookups-data``, no model), so "phoned" and "phone", "slept" and "sleep" share a
  feature;
- :class:`GrammaticalCues`: one token per past tense, negation, plan, double negation and
  negated past, from the word lists in ``bot/nlu/data/cues.yml``, so the tense that lemmas
  drop is still seen.

Both are plain picklable objects (the trained pipeline is saved with joblib); the spaCy
pipeline and the word lists are loaded once per process, not pickled.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from spacy.language import Language

CUES_FILE = Path(__file__).with_name("data") / "cues.yml"
MIN_ED_PAST = 5  # "walked" yes; "bed", "red", "need" no
_WORD = re.compile(r"[a-z0-9']+")
PAST, NEGATION, FUTURE = "__past__", "__negation__", "__future__"
DOUBLE_NEGATION, NEGATED_PAST = "__double_negation__", "__negated_past__"
#: Every token :class:`GrammaticalCues` can return: a fixed vocabulary, so that training data
#: without any cue still trains (an empty learned vocabulary is an error in scikit-learn).
CUE_TOKENS = (PAST, NEGATION, FUTURE, DOUBLE_NEGATION, NEGATED_PAST)


@dataclass(frozen=True)
class CueWords:
    """The word lists of ``cues.yml``, apostrophes removed."""

    not_past_ed: frozenset[str]
    irregular_past: frozenset[str]
    future: frozenset[str]
    negation: frozenset[str]
    not_negating: frozenset[str]


@cache
def cue_words(path: Path = CUES_FILE) -> CueWords:
    """Load the cue word lists (once per process)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lists: dict[str, frozenset[str]] = {}
    for key in CueWords.__annotations__:
        if not all(isinstance(word, str) for word in data[key]):
            raise ValueError(f"{path}: {key} has an entry that is not text (quote no, on, off)")
        lists[key] = frozenset(word.lower().replace("'", "") for word in data[key])
    return CueWords(**lists)


def cue_words_digest(path: Path = CUES_FILE) -> str:
    """Return the SHA-256 of the cue word file, for the classifier's config.

    Rasa retrains a component when its config changes, and knows nothing of the files the
    component reads itself.
    """
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lemmatiser() -> Language:
    from bot.risk.detector import shared_nlp

    return shared_nlp()


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


@dataclass(frozen=True)
class GrammaticalCues:
    """Analyser: the grammatical cue tokens of a text, in order, repeated per occurrence."""

    def __call__(self, text: str) -> list[str]:
        """Return the cue tokens of ``text`` (none for a text without cues)."""
        words = cue_words()
        lowered = f" {' '.join(_words(text))} "
        for phrase in words.not_negating:  # whole words only: "why nothing" stays
            lowered = lowered.replace(f" {phrase} ", " ")
        cues: list[str] = []
        for raw in lowered.split():
            word = raw.replace("'", "")
            if word in words.irregular_past or (
                len(word) >= MIN_ED_PAST and word.endswith("ed") and word not in words.not_past_ed
            ):
                cues.append(PAST)
            if word in words.future or raw.endswith("'ll"):
                cues.append(FUTURE)
            if word in words.negation or raw.endswith("n't"):
                cues.append(NEGATION)
        if cues.count(NEGATION) > 1:  # "not great not terrible"
            cues.append(DOUBLE_NEGATION)
        if NEGATION in cues and PAST in cues:
            cues.append(NEGATED_PAST)
        return cues


@dataclass(frozen=True)
class LemmaNgrams:
    """Analyser: lemma n-grams of a text, from ``low``- to ``high``-grams."""

    low: int = 1
    high: int = 2

    def __call__(self, text: str) -> list[str]:
        """Return the lemma n-grams of ``text``; punctuation and emoji are tokens too."""
        lemmas = [t.lemma_.lower() for t in _lemmatiser()(text.lower()) if not t.is_space]
        return [
            " ".join(lemmas[i : i + n])
            for n in range(self.low, self.high + 1)
            for i in range(len(lemmas) - n + 1)
        ]
