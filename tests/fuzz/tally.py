"""Counts of generated requests per fuzz test, printed in pytest's terminal summary."""

from __future__ import annotations

from collections import Counter

SENT: Counter[str] = Counter()


def count(test: str, requests: int = 1) -> None:
    """Add ``requests`` generated requests (or socket.io events) to ``test``'s tally."""
    SENT[test] += requests
