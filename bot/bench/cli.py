"""``ally bench``."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the benchmark command to the ``ally`` parser."""
