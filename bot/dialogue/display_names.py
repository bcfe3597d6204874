"""Reading the name a person wants to be called ("call me Sam", "no thanks", "nothing really").

The name is used in later greetings, so a sentence or a refusal must not be stored as one:
"Thank you for checking in, nothing really." is what this module prevents.
"""

from __future__ import annotations

import re

MAX_NAME_WORDS = 3

# Refusals and shrugs: the question is skipped, nothing is stored.
_DECLINES = frozenset(
    {
        "skip", "pass", "no", "nope", "nah", "no thanks", "no thank you", "none", "nothing",
        "nothing really", "nobody", "no one", "n/a", "na", "idk", "dunno", "i don't know",
        "i dont know", "not sure", "rather not", "i'd rather not", "id rather not",
        "prefer not", "prefer not to say", "i'd prefer not to", "not telling", "don't", "dont",
        "doesn't matter", "doesnt matter", "it doesn't matter", "whatever", "anything",
        "anything is fine", "no name", "leave it", "never mind", "nevermind", "not now",
        "no need", "nah thanks", "no ta", "not right now", "maybe later",
    }
)  # fmt: skip
# A reply that opens with one of these is a refusal ("no i'm good", "not really bothered").
_DECLINE_OPENERS = frozenset(
    {"no", "nope", "nah", "not", "don't", "dont", "idk", "nothing", "none", "skip", "nobody"}
)
_LEAD_IN = re.compile(
    r"^(?:(?:you can |u can |just |please )?call me|my name is|my name's|my names|name's|"
    r"names|i'm|im|i am|it's|its|it is|i go by|just)(?:\s+|$)",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[^\W_][\w'.\- ]*$")


def read_display_name(text: str, *, max_length: int) -> str | None:
    """Return the name in ``text``, "" for a refusal, or None when it does not read as a name.

    "call me sam" reads as "Sam"; "no thanks" and "nothing really" as "" (skip the question);
    a sentence ("i don't really want to say that right now"), more than three words or over
    ``max_length`` characters as None (ask again).
    """
    cleaned = " ".join(text.replace("\u2019", "'").split()).strip(" .!,")
    lowered = cleaned.casefold()
    if lowered in _DECLINES or lowered.split(" ", 1)[0] in _DECLINE_OPENERS:
        return ""
    name = _LEAD_IN.sub("", cleaned).strip(" .!,")
    if not name or len(name) > max_length or len(name.split()) > MAX_NAME_WORDS:
        return None
    if not _NAME.match(name) or name.casefold() in _DECLINES:
        return None
    return name.title() if name.islower() else name
