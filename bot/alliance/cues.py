"""The behavioural cue mapping (``data/cues.yml``): cue name -> dimension and value."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.storage.alliance import CUE_MAX_LENGTH, DIMENSIONS

CUES_FILE = Path(__file__).resolve().parent / "data" / "cues.yml"
# The documented behavioural scale (docs/alliance.md).
SCALE = (-1.0, -0.5, 0.0, 0.5, 1.0)


class CueError(ValueError):
    """The cue file is malformed, or an unknown cue was asked for."""


@dataclass(frozen=True)
class Cue:
    """One behavioural cue: what it says about which alliance dimension."""

    name: str
    dimension: str
    value: float
    description: str
    intent: str | None = None
    with_step: bool = False

    def label(self, step: str | None = None) -> str:
        """Return the value stored in ``alliance_signals.cue`` (``name:step`` when stepped)."""
        if not self.with_step or not step:
            return self.name
        return f"{self.name}:{step}"[:CUE_MAX_LENGTH]


@functools.lru_cache(maxsize=4)
def load_cues(path: Path = CUES_FILE) -> dict[str, Cue]:
    """Read and check the cue file once per process.

    Raises:
        CueError: naming the file and the entry, when the file is malformed.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CueError(f"{path}: cannot read the cue file: {error}") from error
    entries = raw.get("cues") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise CueError(f"{path}: expected a 'cues' mapping of cue names")
    cues = {name: _cue(path, str(name), entry) for name, entry in entries.items()}
    intents = [cue.intent for cue in cues.values() if cue.intent]
    if len(intents) != len(set(intents)):
        raise CueError(f"{path}: an intent is mapped to more than one cue")
    return cues


def _cue(path: Path, name: str, entry: Any) -> Cue:
    if not isinstance(entry, dict):
        raise CueError(f"{path}: cue {name!r} must be a mapping")
    dimension, value = entry.get("dimension"), entry.get("value")
    if dimension not in DIMENSIONS:
        raise CueError(f"{path}: cue {name!r} needs a dimension in {DIMENSIONS}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in SCALE:
        raise CueError(f"{path}: cue {name!r} needs a value on the scale {SCALE}")
    if not isinstance(entry.get("description"), str) or not entry["description"].strip():
        raise CueError(f"{path}: cue {name!r} needs a description")
    if len(name) > CUE_MAX_LENGTH:
        raise CueError(f"{path}: cue name {name!r} is longer than {CUE_MAX_LENGTH} characters")
    intent = entry.get("intent")
    if intent is not None and not isinstance(intent, str):
        raise CueError(f"{path}: cue {name!r} has an intent that is not a string")
    return Cue(
        name=name,
        dimension=str(dimension),
        value=float(value),
        description=entry["description"].strip(),
        intent=intent,
        with_step=bool(entry.get("with_step", False)),
    )


def cue(name: str) -> Cue:
    """Return the cue called ``name``.

    Raises:
        CueError: for a name the cue file does not define.
    """
    try:
        return load_cues()[name]
    except KeyError:
        raise CueError(f"unknown alliance cue {name!r} (see {CUES_FILE})") from None


def cue_for_intent(intent: str | None) -> Cue | None:
    """Return the cue a message with ``intent`` produces, if any."""
    if not intent:
        return None
    return next((c for c in load_cues().values() if c.intent == intent), None)
