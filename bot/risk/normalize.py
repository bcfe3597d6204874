"""Text normalisation that remembers where every character came from.

The matcher works on a cleaned-up copy of the message (NFKC, casefolded,
accents stripped, curly apostrophes straightened, invisible characters removed,
"diiiie" squeezed to "die", leetspeak such as "k1ll mys3lf" read as letters),
but supporters must see offsets into what the
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
# Leetspeak: digits and symbols used as letters inside a word ("k1ll", "mys3lf",
# "su1c1de", "d!e"). One character maps to one, so offsets stay valid.
_LEET = str.maketrans("0134579@$!", "oieastgasi")
_LEET_CHARS = re.compile(r"[0134579@$!]")
# A word that starts with a letter: "2nite", "10pm" and "4ever" are left alone.
_LEET_WORD = re.compile(r"(?<![a-z0-9@$!])[a-z][a-z0-9@$!]*")
# A leet character followed by a letter ("w4nt") or a final "11" ("ki11").
_LEET_INSIDE = re.compile(r"[0134579@$!][a-z]|[a-z]11$")
# Obfuscated "suicide" (su1c1de) stays as typed: rule si_slang_kms lists those
# spellings at a higher severity than the topic word "suicide".
_KEEP_OBFUSCATED = re.compile(r"^su[ie]*[cs]+[iy]*de?s?$")


def _unleet_word(match: re.Match[str]) -> str:
    word = match.group()
    core = word.rstrip("!")  # "help!" keeps its exclamation mark
    if not _LEET_INSIDE.search(core):
        return word
    letters = core.replace("11", "ll").translate(_LEET)
    if _KEEP_OBFUSCATED.match(letters):
        return word
    return letters + word[len(core) :]


def unleet(text: str) -> str:
    """Read leetspeak inside words as letters, one character for one.

    Args:
        text: Lower-case text.

    Returns:
        The text with "k1ll" as "kill", "d!e" as "die", "ki11" as "kill";
        numbers, times ("10pm") and "2nite" unchanged.
    """
    if not _LEET_CHARS.search(text):
        return text
    return _LEET_WORD.sub(_unleet_word, text)


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
        return Normalised(unleet(text.lower()))
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
    return Normalised(unleet("".join(out_chars)), tuple(out_starts), tuple(out_ends))
