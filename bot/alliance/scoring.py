"""Scoring a survey: each subscale is the mean of its items, the total the mean of all items."""

from __future__ import annotations

from collections.abc import Mapping
from statistics import fmean

from bot.alliance.instruments import Instrument

TOTAL = "total"
# Scores are stored rounded: more digits than this carry no information on a 1-5 scale.
DIGITS = 4


class IncompleteSurveyError(ValueError):
    """A score was asked for before every item was answered."""


def score(instrument: Instrument, answers: Mapping[str, int]) -> dict[str, float]:
    """Return ``{subscale: mean, ..., "total": mean}`` for a completed administration.

    Raises:
        IncompleteSurveyError: when an item has no answer.
        ValueError: for an answer outside the scale or for an item the instrument lacks.
    """
    known = {item.id for item in instrument.items}
    unknown = set(answers) - known
    if unknown:
        raise ValueError(f"answers for items not in {instrument.id}: {sorted(unknown)}")
    missing = [item.id for item in instrument.items if item.id not in answers]
    if missing:
        raise IncompleteSurveyError(f"unanswered items: {missing}")
    for item_id, value in answers.items():
        if not instrument.minimum <= value <= instrument.maximum:
            raise ValueError(f"answer {value} to {item_id} is outside the scale")
    scores = {
        subscale: round(
            fmean(answers[i.id] for i in instrument.items if i.subscale == subscale), DIGITS
        )
        for subscale in instrument.subscales
    }
    scores[TOTAL] = round(fmean(answers[i.id] for i in instrument.items), DIGITS)
    return scores
