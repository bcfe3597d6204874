"""``ally test-cases``, ``ally coverage`` and ``ally transcript``."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the dialogue-testing commands to the ``ally`` parser."""
