"""Reading numeric ratings ("7", "about a 6", "8/10", "seven") out of what people type."""

from __future__ import annotations

import re

_WORDS = {
    "zero": 0, "nil": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_NUMBER = re.compile(r"(?<![\d.])(-?\d{1,3})(?:[.,]\d+)?(?!\d)")
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b")


def parse_rating(text: str, *, maximum: int) -> int | None:
    """Return the first whole number in ``text`` if it lies in 0..maximum, else None.

    "8/10" and "8 out of 10" read as 8; a number outside the scale reads as None rather than
    being clamped, so the person is asked again instead of being misrecorded.
    """
    lowered = text.casefold()
    match = _NUMBER.search(lowered)
    if match:
        value = int(match.group(1))
    else:
        word = _WORD.search(lowered)
        if word is None:
            return None
        value = _WORDS[word.group(1)]
    return value if 0 <= value <= maximum else None
