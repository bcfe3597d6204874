"""Which exercise to offer after a check-in, and the marker for a skipped question."""

from __future__ import annotations

from collections.abc import Iterable

# Stored in a form slot when the person skips its question: the slot counts as answered.
SKIPPED = "skipped"

THOUGHT_RECORD = "thought_record"
GOAL_SETTING = "goal_setting"

# Emotion words after which looking at a thought is the better first offer.
_HEAVY_EMOTIONS = frozenset(
    {
        "sad", "anxious", "angry", "lonely", "guilty", "ashamed", "frustrated", "scared",
        "overwhelmed", "irritable", "nervous", "hurt", "jealous", "disappointed", "embarrassed",
        "numb", "worried", "stressed", "hopeless", "panicky", "resentful", "rejected",
        "insecure", "tense", "miserable", "empty", "down", "upset", "afraid", "furious",
        "helpless", "humiliated", "annoyed", "irritated", "terrified", "left out",
    }
)  # fmt: skip


_QUESTION_OPENERS = frozenset(
    {"what", "what's", "whats", "why", "how", "when", "where", "who", "which", "can", "could",
     "would", "will", "do", "does", "did", "is", "are", "should", "wtf"}
)  # fmt: skip


def is_answered(value: object) -> bool:
    """Return True for a slot value the person actually gave (not empty, not skipped)."""
    return value is not None and value != SKIPPED and value != []


def choose_exercise(mood: int | None, emotions: Iterable[str]) -> str:
    """Return the one exercise to offer: a thought record when things feel heavy, else a goal.

    A rating of 0-4, or no rating with a heavy emotion word, means a thought record;
    5-10 means a small goal.
    """
    if mood is not None:
        return THOUGHT_RECORD if mood <= 4 else GOAL_SETTING
    heavy = any(word.casefold() in _HEAVY_EMOTIONS for word in emotions)
    return THOUGHT_RECORD if heavy else GOAL_SETTING


# Words the person typed are echoed in the reflection only when they read as a few feeling
# words; a sentence ("pretty chuffed actually, got a lot done") gets a reflection without it.
ECHO_MAX_WORDS = 3


def can_echo(emotions: list[str]) -> bool:
    """Return True when the emotion words fit in "feeling {emotions}" as typed."""
    return all(len(word.split()) <= ECHO_MAX_WORDS and "?" not in word for word in emotions)


def reflection_key(mood: int | None, emotions: list[str]) -> str:
    """Return the message key of the short reflection after the check-in.

    Keys ending in ``_plain`` do not repeat the person's words (see :func:`can_echo`).
    """
    if not emotions:
        return "reflect_nothing"
    if mood is None:
        key = "reflect_no_rating"
    elif mood <= 3:
        key = "reflect_low"
    elif mood <= 6:
        key = "reflect_middle"
    else:
        key = "reflect_high"
    return key if can_echo(emotions) else f"{key}_plain"


def is_question(text: str) -> bool:
    """Return True for a message that asks something rather than naming a feeling."""
    words = text.casefold().split()
    return "?" in text or (bool(words) and words[0] in _QUESTION_OPENERS)


def join_words(words: list[str]) -> str:
    """Join words as people write them: "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def emotions_from(entities: list[dict[str, object]], text: str) -> list[str]:
    """Return the emotion words of a message: entity values in order, else the words as typed.

    Free text is kept (up to 60 characters) so the reflection uses the person's own words
    when they are not in the lookup table.
    """
    found: list[str] = []
    for entity in entities:
        value = str(entity.get("value", "")).strip().casefold()
        if entity.get("entity") == "emotion" and value and value not in found:
            found.append(value)
    if found:
        return found
    cleaned = " ".join(text.split()).strip(" .!?")
    return [cleaned.casefold()] if 0 < len(cleaned) <= 60 else []
