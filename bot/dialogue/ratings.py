"""Reading numeric ratings ("7", "about a 6", "8/10", "seven") out of what people type.

A rating is recorded as research data, so a number that is not the answer must not be read as
one: "one late report doesn't mean i'll lose my job" is not a 1, "slept 2 hours, so a 4" is a 4,
"it went from 80 to 50" is a 50. When the message offers no clear number the person is asked
again instead.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "nil": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_DIGITS = r"-?\d{1,3}(?:[.,]\d+)?"
_TENS_WORDS = "|".join(_TENS)
_UNIT_WORDS = "|".join(_UNITS)
_ONE_TO_NINE = "one|two|three|four|five|six|seven|eight|nine"
# A number as digits, "seventy five" / "seventy-five", "a hundred" / "one hundred", or a word.
_NUMBER = re.compile(
    rf"(?<![\w.])(?:(?P<digits>{_DIGITS})(?!\d)"
    rf"|(?P<hundred>(?:a|one)[ -]hundred)\b"
    rf"|(?P<tens>{_TENS_WORDS})(?:[ -](?P<tens_unit>{_ONE_TO_NINE})\b)?\b"
    rf"|(?P<unit>{_UNIT_WORDS}|hundred)\b)"
)
_WORD = re.compile(r"[^\W\d_]+|\S")
# After a number that is the answer, people write the scale, a hedge or nothing; a number followed
# by another word ("one late report", "two kids") is part of a sentence, not a rating.
_AFTER_A_WORD_RATING = {
    "out", "or", "to", "and", "ish", "maybe", "probably", "perhaps", "i", "im", "i'm", "i'd",
    "today", "tonight", "now", "right", "atm", "rn", "tbh", "tbf", "honestly", "really",
    "percent", "per", "%", "lol", "haha", "thanks", "thank", "thx", "ta", "cheers", "please",
    "pls", "if", "but", "so", "at", "then", "x", "xx", "mate", "love", "though", "tho", "overall",
    "points", "point", "pts", "on", "as", "for", "hmm", "ok", "okay", "yeah", "yes",
    "no", "i'll", "id", "ill", "guess", "think", "reckon", "would", "say", "again",
}  # fmt: skip
# Digits followed by one of these are a count or a time, not a rating ("slept 2 hours").
_UNIT_NOUNS = {
    "hour", "hours", "hr", "hrs", "h", "min", "mins", "minute", "minutes", "sec", "secs",
    "second", "seconds", "day", "days", "week", "weeks", "wk", "wks", "month", "months", "year",
    "years", "yr", "yrs", "time", "times", "am", "pm", "o'clock", "oclock", "kg", "kgs", "lb",
    "lbs", "stone", "miles", "mile", "km", "k", "people", "kids", "children", "cups", "cup",
    "pints", "pint", "drinks", "glasses", "coffees", "pills", "tablets", "steps", "pages",
    "quid", "pounds", "dollars", "euros", "bucks", "th", "st", "nd", "rd",
}  # fmt: skip
_CHANGE = re.compile(r"\b(?:from|was)\b.*?\b(?:to|now|down to|up to)\b|->|→")


def _value(match: re.Match[str]) -> int | None:
    if match.group("digits") is not None:
        return int(float(match.group("digits").replace(",", ".")))
    if match.group("hundred") is not None:
        return 100
    if match.group("tens") is not None:
        return _TENS[match.group("tens")] + _UNITS.get(match.group("tens_unit") or "", 0)
    word = match.group("unit")
    return 100 if word == "hundred" else _UNITS[word]


def _next_word(text: str, end: int) -> str | None:
    found = _WORD.search(text, end)
    return found.group(0) if found else None


def _is_answer(text: str, match: re.Match[str], denominator: bool) -> bool:
    """Whether a number found in ``text`` reads as the rating (not a count, not "one thing")."""
    if denominator:
        return False
    following = _next_word(text, match.end())
    if match.group("digits") is not None:
        return following not in _UNIT_NOUNS
    return following is None or not following[0].isalpha() or following in _AFTER_A_WORD_RATING


def _is_denominator(text: str, start: int) -> bool:
    """Whether the number at ``start`` is the scale of the one before it ("8/10", "8 out of 10")."""
    before = text[:start].rstrip()
    return before.endswith(("/", "out of", "outta", "of"))


def candidates(text: str) -> list[int]:
    """Return the numbers in ``text`` that read as a rating, in order."""
    lowered = text.casefold().replace("\u2019", "'")
    found = []
    for match in _NUMBER.finditer(lowered):
        if _is_answer(lowered, match, _is_denominator(lowered, match.start())):
            value = _value(match)
            if value is not None:
                found.append(value)
    return found


def parse_rating(text: str, *, maximum: int) -> int | None:
    """Return the rating in ``text`` if there is one and it lies in 0..maximum, else None.

    "8/10" and "8 out of 10" read as 8; "from 80 to 50" reads as 50 (the rating now); otherwise
    the first number that reads as a rating counts ("4 or 5" is 4). A number outside the scale
    reads as None rather than being clamped, so the person is asked again instead of being
    misrecorded.
    """
    found = candidates(text)
    if not found:
        return None
    value = found[-1] if len(found) > 1 and _CHANGE.search(text.casefold()) else found[0]
    return value if 0 <= value <= maximum else None
