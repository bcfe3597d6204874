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


NUMBER, NUMBER_ONLY, RATING = "__number__", "__number_only__", "__rating__"
COUNT_OF, ALL_OF, PERCENT = "__count_of__", "__all_of__", "__percent__"
#: Every token :class:`NumberShapes` can return.
NUMBER_TOKENS = (NUMBER, NUMBER_ONLY, RATING, COUNT_OF, ALL_OF, PERCENT)
PRONOUN_NUMBERS = frozenset({"one"})  # "this one", "no one": a number only inside a shape
RATING_SCALE = 10  # "x out of 10", "x/10" is a rating; out of anything else is a count
_NUMBER_WORD = re.compile(r"[0-9]+(?:\.[0-9]+)?|[a-z]+(?:'[a-z]+)*|[^\sa-z0-9]")
_COUNT = re.compile(
    r"#(?P<x>[0-9.]+) (?:\S+ ){0,2}?(?:out of|of the|of|from) (?:the )?#(?P<y>[0-9.]+)"
)
_PORTION = re.compile(r"#[0-9.]+ (?:%|percent|per cent) of\b")  # "80% of it": part of a whole
_ALL = re.compile(r"\b(?:all|every|each|the full|the whole|all of the|every one of the) #[0-9.]+")


@dataclass(frozen=True)
class NumberWords:
    """The number lists of ``cues.yml``."""

    values: dict[str, float]
    hedges: frozenset[str]


@cache
def number_words(path: Path = CUES_FILE) -> NumberWords:
    """Load the number words and hedges (once per process)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = {str(word).lower(): float(value) for word, value in data["number_words"].items()}
    if not all(isinstance(word, str) for word in data["number_hedges"]):
        raise ValueError(f"{path}: number_hedges has an entry that is not text")
    return NumberWords(values, frozenset(word.lower() for word in data["number_hedges"]))


def _value(token: str, values: dict[str, float]) -> float | None:
    if "0" <= token[0] <= "9":  # ASCII digits only: "²" is a digit to str.isdigit
        return float(token)
    return values.get(token)


@dataclass(frozen=True)
class NumberShapes:
    """Analyser: what shape the numbers of a text have, one token per shape.

    ``__number__`` per number ("one" only inside a shape), ``__rating__`` for "x out of 10" or
    "x/10", ``__count_of__`` for "x out of y" or "x of the y" with y not 10 and x below y or
    for "x% of", ``__all_of__`` for "all 7 days" or "5 out of 5", ``__percent__`` for "80%" or
    "percent", and ``__number_only__`` for a message that is a number and hedges ("about a 6",
    "7 i think", "8 out of 10").
    """

    def __call__(self, text: str) -> list[str]:
        """Return the number shape tokens of ``text`` (none for a text without numbers)."""
        lists = number_words()
        tokens = _NUMBER_WORD.findall(text.lower().replace("\u2019", "'"))
        marked: list[str] = []
        shapes: list[str] = []
        for token in tokens:
            value = _value(token, lists.values)
            if value is None:
                marked.append(token.replace("#", "_"))  # "#" marks the numbers below
                continue
            marked.append(f"#{value:g}")
            if token not in PRONOUN_NUMBERS:
                shapes.append(NUMBER)
        if not any(token.startswith("#") for token in marked):
            return []
        joined = " ".join(marked).replace(" / ", " out of ")
        counted = False
        for match in _COUNT.finditer(joined):
            x, y = float(match["x"]), float(match["y"])
            if y == RATING_SCALE and x <= y:
                shapes.append(RATING)
            elif x == y:
                shapes.append(ALL_OF)
                counted = True
            elif x < y:
                shapes.append(COUNT_OF)
                counted = True
        if _PORTION.search(joined):
            shapes.append(COUNT_OF)
            counted = True
        if _ALL.search(joined):
            shapes.append(ALL_OF)
            counted = True
        if "%" in tokens or "percent" in tokens or "per cent" in " ".join(tokens):
            shapes.append(PERCENT)
        if not counted and all(token.startswith("#") or token in lists.hedges for token in marked):
            shapes.append(NUMBER_ONLY)
        return shapes
