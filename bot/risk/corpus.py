"""The risk classifier's labelled corpus: every source listed in ``data/risk/corpus.yml``.

A source is a JSON Lines file of ``{"id", "text", "risk", "category"}`` or Rasa's NLU data (every
example counts as an everyday message, except those of the risk intent). Sources stay separate so
that ``ally risk eval --loso`` can train without one and test on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.risk.assessment import CATEGORIES

MANIFEST = Path("data") / "risk" / "corpus.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_SPACES = re.compile(r"\s+")


class CorpusError(ValueError):
    """A source is missing or holds a malformed line."""


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    source: str
    id: str
    text: str
    risk: bool
    category: str | None
    kind: str | None = None


@dataclass(frozen=True)
class Source:
    """One entry of the manifest."""

    name: str
    path: Path
    format: str  # "jsonl" or "nlu"
    origin: str  # "written", "probe", "public" or "nlu"


def sources(project: Path) -> list[Source]:
    """Read the manifest (``data/risk/corpus.yml``) of ``project``.

    Raises:
        CorpusError: If the manifest is missing or malformed.
    """
    path = project / MANIFEST
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = raw["sources"]
        return [
            Source(
                name=str(e["name"]),
                path=project / str(e["path"]),
                format=str(e.get("format", "jsonl")),
                origin=str(e["origin"]),
            )
            for e in entries
        ]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path}: {type(exc).__name__}: {exc}") from None


def read_jsonl(path: Path, source: str) -> Iterator[Example]:
    """Read a labelled JSON Lines file.

    Raises:
        CorpusError: On a line that is not a labelled example.
    """
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            risk = item["risk"]
            category = item.get("category")
            if not isinstance(item["text"], str) or not isinstance(risk, bool):
                raise TypeError("text must be a string and risk a boolean")
            if risk and category is not None and category not in CATEGORIES:
                raise ValueError(f"unknown category {category!r}")
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"{path}:{number}: {exc}") from None
        yield Example(
            source=source,
            id=str(item.get("id", f"{source}-{number}")),
            text=item["text"],
            risk=risk,
            category=category if risk else None,
            kind=item.get("kind") or item.get("difficulty") or item.get("group"),
        )


def read_nlu(folder: Path, source: str, risk_intent: str = "risk_disclosure") -> Iterator[Example]:
    """Read Rasa NLU examples: everyday messages, except the risk intent's (risk, no category)."""
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue
            for number, line in enumerate(str(block.get("examples", "")).splitlines()):
                text = _SPACES.sub(" ", _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ")))
                if text.strip():
                    yield Example(
                        source=source,
                        id=f"{path.stem}:{intent}:{number}",
                        text=text.strip(),
                        risk=intent == risk_intent,
                        category=None,
                        kind=f"nlu_{intent}",
                    )


def read_source(source: Source) -> list[Example]:
    """Every example of one source.

    Raises:
        CorpusError: If the source is missing or malformed.
    """
    if not source.path.exists():
        raise CorpusError(f"corpus source {source.name!r}: {source.path} does not exist")
    if source.format == "nlu":
        return list(read_nlu(source.path, source.name))
    return list(read_jsonl(source.path, source.name))


def load_corpus(project: Path) -> list[Example]:
    """Every example of every source, without repeats.

    A text (compared case- and space-insensitively) counts once, with the label of the first
    source that has it; a later source that labels it the other way loses that line.
    """
    seen: dict[str, bool] = {}
    examples: list[Example] = []
    for source in sources(project):
        for example in read_source(source):
            key = _SPACES.sub(" ", example.text.lower()).strip()
            if key in seen:
                continue
            seen[key] = example.risk
            examples.append(example)
    return examples


def input_files(project: Path) -> list[Path]:
    """Every file the corpus is read from (for the model's fingerprint)."""
    files = [project / MANIFEST]
    for source in sources(project):
        if source.path.is_dir():
            files.extend(sorted(source.path.glob("*.yml")))
        else:
            files.append(source.path)
    return files
