"""Inside a form: is this message a command (stop, skip, a person...) or the person's answer?

The classifier often reads a free-text answer as a digression ("she cancelled on me twice this
month" comes back as ``stop``). The forms take such text as the answer unless it really is a
command: a phrase listed for the classified intent in ``data/form_commands.yml``, a button
payload (``/stop``), or a short message the classifier is confident about.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

COMMANDS_FILE = Path(__file__).resolve().parent / "data" / "form_commands.yml"

# The digression intents a form answers with a rule (data/rules/form_digressions.yml).
# risk_disclosure is deliberately absent: it never reaches a form's answer at all.
DIGRESSION_INTENTS = frozenset(
    {"stop", "skip", "request_human", "bot_challenge", "frustrated_with_bot", "thank",
     "feel_understood", "greet", "delete_my_data"}
)  # fmt: skip

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^\w']+")


class FormCommandsError(ValueError):
    """The form commands file is malformed."""


@dataclass(frozen=True)
class FormCommands:
    """The command phrases per digression intent and the short-message thresholds."""

    phrases: dict[str, frozenset[str]]
    fillers: frozenset[str]
    max_words: int
    min_confidence: float
    # Per intent (max_words, min_confidence) where a wrong guess costs little: asking for a
    # person is always confirmed first, so a long "i'd rather talk to an actual human" counts.
    overrides: dict[str, tuple[int, float]] = dataclasses.field(default_factory=dict)

    def thresholds(self, intent: str) -> tuple[int, float]:
        """Return (max_words, min_confidence) for ``intent``."""
        return self.overrides.get(intent, (self.max_words, self.min_confidence))


def normalise(text: str) -> str:
    """Return ``text`` lower-cased, NFKC-folded, without punctuation, emoji or invisibles."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    folded = _INVISIBLE.sub("", folded).casefold()
    words = _NOT_WORD.sub(" ", folded).replace("_", " ").split()
    return " ".join(word.strip("'") for word in words if word.strip("'"))


@functools.lru_cache(maxsize=1)
def load_commands(path: Path = COMMANDS_FILE) -> FormCommands:
    """Read and check the commands file once per process.

    Raises:
        FormCommandsError: when the file does not have the expected shape.
    """
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("commands"), dict):
        raise FormCommandsError(f"{path}: expected a mapping with 'commands'")
    unknown = set(raw["commands"]) - DIGRESSION_INTENTS
    if unknown:
        raise FormCommandsError(f"{path}: not digression intents: {sorted(unknown)}")
    phrases: dict[str, frozenset[str]] = {}
    for intent, listed in raw["commands"].items():
        if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
            raise FormCommandsError(f"{path}: {intent} needs a list of phrases")
        phrases[intent] = frozenset(normalise(p) for p in listed)
    max_words, min_confidence = raw.get("max_words"), raw.get("min_confidence")
    if not isinstance(max_words, int) or not isinstance(min_confidence, (int, float)):
        raise FormCommandsError(f"{path}: max_words (int) and min_confidence (number) needed")
    fillers = raw.get("fillers", [])
    if not isinstance(fillers, list) or not all(isinstance(f, str) for f in fillers):
        raise FormCommandsError(f"{path}: fillers must be a list of words")
    return FormCommands(
        phrases,
        frozenset(normalise(f) for f in fillers),
        max_words,
        float(min_confidence),
        _overrides(path, raw.get("overrides") or {}),
    )


def _overrides(path: Path, raw: Any) -> dict[str, tuple[int, float]]:
    if not isinstance(raw, dict) or set(raw) - DIGRESSION_INTENTS:
        raise FormCommandsError(f"{path}: overrides must map digression intents to thresholds")
    overrides = {}
    for intent, values in raw.items():
        words = values.get("max_words") if isinstance(values, dict) else None
        confidence = values.get("min_confidence") if isinstance(values, dict) else None
        if not isinstance(words, int) or not isinstance(confidence, (int, float)):
            raise FormCommandsError(f"{path}: {intent} needs max_words and min_confidence")
        overrides[intent] = (words, float(confidence))
    return overrides


def _without_fillers(words: list[str], fillers: frozenset[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in fillers:
        start += 1
    while end > start and words[end - 1] in fillers:
        end -= 1
    return words[start:end]


def is_digression(text: str | None, intent: str | None, confidence: float | None) -> bool:
    """Return True when a message inside a form is a command rather than an answer.

    Args:
        text: what the person typed (or the button payload).
        intent: the classified intent name.
        confidence: the classifier's confidence in ``intent`` (0-1).

    Returns:
        True for a digression intent with a listed phrase, its ``/intent`` button payload, or a
        message of few words classified with high confidence; False otherwise (the answer).
    """
    if intent not in DIGRESSION_INTENTS:
        return False
    raw = (text or "").strip()
    if raw == f"/{intent}" or raw.startswith(f"/{intent}{{"):
        return True  # a button payload
    commands = load_commands()
    words = normalise(raw).split()
    core = " ".join(_without_fillers(words, commands.fillers))
    if core and core in commands.phrases.get(intent, frozenset()):
        return True
    max_words, min_confidence = commands.thresholds(intent)
    return len(words) <= max_words and (confidence or 0.0) >= min_confidence
