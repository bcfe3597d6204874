"""Words typed without their final g ("killin", "cuttin", "jumpin") read as the -ing form.

Text-speak drops the g of "-ing" all the time, and the lookup lemmatiser knows neither
"killin" nor its lemma, so a rule written as ``~kill`` or "cutting" missed "i feel like killin
myself" (probe 15, docs/risk.md). A token is read as its "-ing" form when the lemma table
knows that form and does not know the g-less spelling as a word of its own: real words that
end in "in" ("ruin", "cousin", "begin", "thin", "win") are lemmas in the table and stay as
they are; names it has never seen ("kevin") have no "-ing" form in it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Protocol

# "doin", "goin"; shorter spellings are too often other words ("in", "bin", "pin").
MIN_LENGTH = 4


class LemmaTable(Protocol):
    """The part of spaCy's lookup table used here (``Table.get``, ``Table.values``)."""

    def get(self, key: str, default: object = None) -> object:
        """The lemma of ``key``, or ``default``."""

    def values(self) -> Iterable[object]:
        """Every lemma in the table."""


class DroppedG:
    """Reads "killin" as ("killing", "kill") with one lemma table; cached per word."""

    def __init__(self, table: LemmaTable) -> None:
        self._table = table
        self._lemmas = frozenset(str(v) for v in table.values())
        self.full_form = functools.lru_cache(maxsize=4096)(self._full_form)

    def _full_form(self, word: str) -> tuple[str, str] | None:
        """The (-ing form, its lemma) that ``word`` stands for, or None."""
        if len(word) < MIN_LENGTH or not word.endswith("in") or not word.isalpha():
            return None
        if word in self._lemmas or self._table.get(word) is not None:
            return None  # a word of its own
        full = word + "g"
        lemma = self._table.get(full)
        return (full, str(lemma)) if lemma is not None else None
