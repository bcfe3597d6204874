"""Bare agreement ("sure", "yep", "that one") where Ally asked for words of the person's own."""

from __future__ import annotations

import re

_AGREEMENT = frozenset(
    {
        "yes", "yeah", "yea", "yep", "yup", "ya", "y", "sure", "ok", "okay", "k", "kk", "fine",
        "alright", "all right", "sounds good", "sounds great", "good", "great", "cool", "deal",
        "that", "that one", "this", "this one", "same", "the same", "same thing", "the goal",
        "that goal", "the same thing", "as above", "what i said", "yes please", "ok sure",
        "sure thing", "why not", "of course", "definitely", "absolutely", "will do", "i will",
        "i'll do that", "ill do that", "do that", "that's it", "thats it", "go on then",
        "yeah sure", "yeah ok", "ok then", "sure why not", "👍",
    }
)  # fmt: skip
_TRIM = re.compile(r"^[\s.!,]+|[\s.!,]+$")


def is_bare_agreement(text: str) -> bool:
    """Return True when ``text`` only agrees ("sure", "that one") and says nothing of its own."""
    cleaned = _TRIM.sub("", " ".join(text.replace("\u2019", "'").casefold().split()))
    return cleaned in _AGREEMENT
