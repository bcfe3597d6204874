"""Text features of the learned risk classifier: word uni- and bigrams, character 3- to 5-grams.

Pure Python, the same at training and at run time. Character n-grams read typos, text-speak and
emoji ("kms", "unalive", "💀"); word n-grams read phrasing ("end it", "better off"). Nothing here
knows about risk: the weights come from the labelled corpus (``data/risk/``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import pairwise

#: Characters of one message the classifier reads (a long post is read in pieces; see segments).
MAX_FEATURE_CHARS = 4_000
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\s\w]", re.UNICODE)
_REPEATS = re.compile(r"(.)\1{2,}")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
_PUNCT_KEPT = frozenset("?!")
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+|\n+")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens and symbols (emoji kept, most punctuation dropped)."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    folded = _REPEATS.sub(r"\1\1", folded)  # "sooooo" reads as "soo", "!!!!" as "!!"
    out: list[str] = []
    for token in _TOKEN.findall(folded[:MAX_FEATURE_CHARS]):
        symbol = len(token) == 1 and not token.isalnum() and token not in _PUNCT_KEPT
        if symbol and unicodedata.category(token) not in ("So", "Sk"):  # emoji and symbols stay
            continue
        out.append(token)
    return out


def features(text: str) -> Counter[str]:
    """Return the n-gram counts of ``text`` (the classifier's input)."""
    words = tokens(text)
    counts: Counter[str] = Counter("w " + w for w in words)
    counts.update("b " + a + " " + b for a, b in pairwise(words))
    joined = " " + " ".join(words) + " "
    for n in (3, 4, 5):
        counts.update("c " + joined[i : i + n] for i in range(len(joined) - n + 1))
    return counts


def segments(text: str, *, size: int = 2) -> list[str]:
    """Split a multi-sentence message into windows of ``size`` sentences.

    A disclosure in the fourth sentence of a long post is diluted when the post is read whole;
    each window is also scored and the highest score counts. One-sentence messages give ``[]``.
    """
    sentences = [s for s in _SENTENCE.split(text.strip()) if s and not s.isspace()]
    if len(sentences) <= size:
        return []
    return [" ".join(sentences[i : i + size]) for i in range(len(sentences) - size + 1)]
