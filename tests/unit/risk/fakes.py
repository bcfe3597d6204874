"""A stand-in classifier with a fixed probability, for testing the tiers' logic alone."""

from __future__ import annotations

from bot.risk.classifier import Explanation


class FixedClassifier:
    """Answers every message with the same probability and category."""

    def __init__(self, probability: float, category: str = "suicidal_ideation") -> None:
        self.fixed = probability
        self.fixed_category = category

    def probability(self, text: str) -> float:
        return self.fixed

    def category(self, text: str) -> str:
        return self.fixed_category

    def explain(self, text: str, limit: int = 5) -> list[Explanation]:
        return [Explanation("w fixed", 1.0)]
