"""The ten common cognitive distortions (thinking traps) offered in the thought record."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Distortion:
    """One thinking trap: its key, button title, the ways people write it, and a one-liner."""

    key: str
    title: str
    spellings: tuple[str, ...]
    explanation: str


DISTORTIONS: tuple[Distortion, ...] = (
    Distortion(
        "all_or_nothing", "All-or-nothing",
        ("all-or-nothing", "all or nothing", "black and white", "black-and-white"),
        "seeing things in only two categories, so anything short of perfect counts as failure.",
    ),
    Distortion(
        "catastrophising", "Catastrophising",
        ("catastrophising", "catastrophizing", "catastrophise", "catastrophize", "catastrophe"),
        "jumping to the worst possible outcome and treating it as likely.",
    ),
    Distortion(
        "mind_reading", "Mind reading",
        ("mind reading", "mind-reading", "mindreading"),
        "assuming you know what others think, usually something negative about you.",
    ),
    Distortion(
        "fortune_telling", "Fortune telling",
        ("fortune telling", "fortune-telling"),
        "predicting that things will turn out badly as if it were already decided.",
    ),
    Distortion(
        "should_statements", "Should statements",
        ("should statement", "should statements", "shoulds", "musts"),
        "holding yourself or others to rigid rules of 'should' and 'must'.",
    ),
    Distortion(
        "labelling", "Labelling",
        ("labelling", "labeling", "label"),
        "summing up yourself or someone else with one harsh word, like 'failure' or 'idiot'.",
    ),
    Distortion(
        "personalisation", "Personalisation",
        ("personalisation", "personalization", "personalising", "personalizing"),
        "blaming yourself for things that were not mainly, or not at all, under your control.",
    ),
    Distortion(
        "emotional_reasoning", "Emotional reasoning",
        ("emotional reasoning",),
        "taking a feeling as proof: 'I feel useless, so I must be useless'.",
    ),
    Distortion(
        "overgeneralisation", "Overgeneralisation",
        ("overgeneralisation", "overgeneralization", "overgeneralising", "overgeneralizing",
         "over-generalisation", "over generalisation", "over-generalization"),
        "seeing one bad event as a never-ending pattern: 'this always happens'.",
    ),
    Distortion(
        "mental_filter", "Mental filter",
        ("mental filter", "filtering"),
        "dwelling on one negative detail so it colours everything else.",
    ),
)  # fmt: skip

NONE_OF_THESE = ("none of these", "none", "not sure", "none of them", "no idea")

_BY_KEY = {d.key: d for d in DISTORTIONS}
_PATTERNS = [
    (d, re.compile(r"\b(" + "|".join(re.escape(s) for s in d.spellings) + r")\b"))
    for d in DISTORTIONS
]
_QUESTION = re.compile(r"\?|\b(what|what's|whats|explain|mean|meaning|means)\b")


def by_key(key: str) -> Distortion:
    """Return the distortion with ``key``; raises KeyError for an unknown key."""
    return _BY_KEY[key]


def mentioned(text: str) -> list[Distortion]:
    """Return the distortions named in ``text``, in canonical order."""
    lowered = text.casefold()
    return [d for d, pattern in _PATTERNS if pattern.search(lowered)]


def is_question(text: str) -> bool:
    """Return True when ``text`` asks what something means rather than choosing it."""
    return bool(_QUESTION.search(text.casefold()))


def is_none(text: str) -> bool:
    """Return True when the person says none of the traps fit."""
    return " ".join(text.casefold().split()).strip(" .!") in NONE_OF_THESE
