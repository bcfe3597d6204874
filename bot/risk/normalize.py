"""Text normalisation that remembers where every character came from.

The matcher works on a cleaned-up copy of the message (NFKC, casefolded,
accents stripped, curly apostrophes straightened, invisible characters removed,
"diiiie" squeezed to "die"), but supporters must see offsets into what the
person actually typed, so each normalised character keeps its original span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = frozenset("\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032\uff07")
# ASCII text without control characters, backticks or letter runs can take the
# fast path: str.lower() is then one-to-one, so offsets need no table.
_SLOW_ASCII = re.compile(r"[\x00-\x08\t\x0b\x0c\x0e-\x1f\x7f`]|  |([a-z])\1\1", re.IGNORECASE)


@dataclass(frozen=True)
class Normalised:
    """A normalised text plus the map back to the original.

    Attributes:
        text: The normalised text fed to spaCy.
        starts: ``starts[i]`` is the original offset where ``text[i]`` begins,
            or None when the mapping is the identity.
        ends: ``ends[i]`` is the original offset just after ``text[i]``'s source.
    """

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` span (end > start) to original offsets."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _fold_char(char: str) -> str:
    """Normalise one character; may return "" (dropped) or several characters."""
    if char in _APOSTROPHES:
        return "'"
    category = unicodedata.category(char)
    if category == "Cc":
        # Keep line structure (a clause boundary) but neutralise NUL & co.
        return "\n" if char in "\n\r\x0b\x0c\x85" else " "
    if category == "Zs":  # no-break and other exotic spaces
        return " "
    if category in ("Cf", "Mn", "Me", "Cs"):
        # Zero-width joiners, bidi marks, stray combining marks, lone surrogates.
        return ""
    folded = unicodedata.normalize("NFKC", char).casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("\u2019", "'")


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching and keep an offset map to the original.

    Args:
        text: The message as typed.

    Returns:
        The normalised text and its offset map.
    """
    if text.isascii() and not _SLOW_ASCII.search(text):
        return Normalised(text.lower())
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        for out in _fold_char(char):
            chars.append(out)
            starts.append(index)
            ends.append(index + 1)
    return _squeeze(chars, starts, ends)


def _squeeze(chars: list[str], starts: list[int], ends: list[int]) -> Normalised:
    """Squeeze runs of 3+ identical letters to one ("diiiie" -> "die"), spaces to one.

    The kept letter spans the whole run in the original text, so a match on
    the squeezed word still highlights everything the person typed.
    """
    out_chars: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    i = 0
    while i < len(chars):
        j = i + 1
        while j < len(chars) and chars[j] == chars[i]:
            j += 1
        # Extra spaces would become spaCy whitespace tokens and break patterns.
        squeeze = (j - i >= 3 and chars[i].isalpha()) or (j - i >= 2 and chars[i] == " ")
        keep = i + 1 if squeeze else j
        out_chars.extend(chars[i:keep])
        out_starts.extend(starts[i:keep])
        out_ends.extend(ends[i:keep])
        if keep < j:
            out_ends[-1] = ends[j - 1]
        i = j
    return Normalised("".join(out_chars), tuple(out_starts), tuple(out_ends))
