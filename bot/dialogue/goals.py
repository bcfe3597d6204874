"""Goal proposals and problem-solving suggestions: fixed, reviewed texts chosen by rule."""

from __future__ import annotations

import re

LOW_MOOD_GOAL = "a 10-minute walk outside on two days this week"
MIDDLE_MOOD_GOAL = "one small thing you enjoy, like music or a call with a friend, on two days"
HIGH_MOOD_GOAL = "one task you've been putting off, broken down into a 20-minute first step"

_SUGGESTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(forg[eo]t|forgotten|remember|slipped my mind)\b"),
     "set a reminder on your phone for the time you chose."),
    (re.compile(r"\b(time|busy|work|shift|schedule|kids|childcare)\b"),
     "make the step smaller, so it fits in ten minutes."),
    (re.compile(r"\b(tired|energy|exhausted|sleep|ill|sick|unwell|pain)\b"),
     "pick a gentler version for low-energy days."),
    (re.compile(r"\b(motivat\w*|couldn't be bothered|didn't feel like|lazy)\b"),
     "pair it with something you already do every day."),
    (re.compile(r"\b(weather|rain\w*|cold|dark)\b"),
     "have an indoor back-up plan."),
)  # fmt: skip
_DEFAULT_SUGGESTION = "choose a smaller first step, or a different time of day."


def propose_goal(mood: int | None) -> str:
    """Return the goal Ally proposes first: gentler when the mood is low."""
    if mood is None or mood <= 3:
        return LOW_MOOD_GOAL
    if mood <= 6:
        return MIDDLE_MOOD_GOAL
    return HIGH_MOOD_GOAL


def suggest_step(barrier: str | None) -> str:
    """Return one problem-solving idea that fits the barrier the person named."""
    lowered = (barrier or "").casefold()
    for pattern, suggestion in _SUGGESTIONS:
        if pattern.search(lowered):
            return suggestion
    return _DEFAULT_SUGGESTION
