"""Checks on ``ally export`` / ``ally report`` input, made before anything is read or written."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path

from bot.errors import AllyError

FORMATS = ("csv", "jsonl", "parquet")


class ResearchInputError(AllyError):
    """An option of ``ally export`` or ``ally report`` is unusable; nothing was written."""


def parse_since(raw: str | None) -> datetime | None:
    """Parse ``--since YYYY-MM-DD`` as midnight UTC (None when not given).

    Raises:
        ResearchInputError: when the value is not a calendar date.
    """
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ResearchInputError(f"--since: expected a date as YYYY-MM-DD, got {raw!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def check_format(raw: str, *, parquet_available: bool) -> str:
    """Return the export format, or refuse an unknown one (or parquet without pyarrow).

    Raises:
        ResearchInputError: for an unknown format, or parquet without pyarrow.
    """
    value = raw.strip().lower()
    if value not in FORMATS:
        raise ResearchInputError(f"--format: expected one of {', '.join(FORMATS)}, got {raw!r}")
    if value == "parquet" and not parquet_available:
        raise ResearchInputError(
            "--format parquet needs pyarrow (run ally from the web environment)"
        )
    return value


def check_out_dir(raw: str) -> Path:
    """Return the output folder if it is (or can become) a writable directory.

    The folder is not created here; the caller creates it once everything else checked out.

    Raises:
        ResearchInputError: when the path is a file, or the folder cannot be written.
    """
    path = Path(raw).expanduser()
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if path.exists() and not path.is_dir():
        raise ResearchInputError(f"--out: {raw} exists and is not a directory")
    if not existing.is_dir():
        raise ResearchInputError(f"--out: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ResearchInputError(f"--out: {existing} is not writable")
    return path
