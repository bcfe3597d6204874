"""``ally export`` and ``ally report``."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the research commands to the ``ally`` parser."""
