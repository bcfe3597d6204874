"""Survey instruments: items, subscales and scale labels read from ``data/instruments/*.yml``.

A study swaps the instrument by setting ``ALLY_SURVEY_INSTRUMENT`` to another file's name: no
code changes. Items are data, not Rasa domain responses; the survey action renders them.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "data" / "instruments"
# Survey subscales become alliance signals, so they must be alliance dimensions.
SUBSCALES = ("bond", "goal", "task")
_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
_ITEM_ID = re.compile(r"^[a-z0-9_]{1,32}$")
_JSON = (",", ":")


class InstrumentError(ValueError):
    """An instrument file is missing or malformed (the message names the file)."""


@dataclass(frozen=True)
class Item:
    """One survey question."""

    id: str
    subscale: str
    text: str


@dataclass(frozen=True)
class Instrument:
    """A survey instrument: its items, in order, and its rating scale."""

    id: str
    name: str
    intro: str
    minimum: int
    maximum: int
    labels: dict[int, str]
    items: tuple[Item, ...]

    @property
    def subscales(self) -> tuple[str, ...]:
        """Return the subscales the items use, in the order of first use."""
        return tuple(dict.fromkeys(item.subscale for item in self.items))

    def item(self, item_id: str) -> Item:
        """Return the item with ``item_id``.

        Raises:
            KeyError: for an item the instrument does not have.
        """
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def buttons(self, payload_intent: str, entity: str) -> list[dict[str, str]]:
        """Return one button per scale point; the payload parses without the classifier."""
        return [
            {
                "title": f"{value} {self.labels[value]}",
                "payload": f"/{payload_intent}{json.dumps({entity: str(value)}, separators=_JSON)}",
            }
            for value in range(self.minimum, self.maximum + 1)
        ]


def instrument_path(name: str, directory: Path = INSTRUMENTS_DIR) -> Path:
    """Return the file of instrument ``name`` (a bare name, never a path).

    Raises:
        InstrumentError: for a name that is not a plain lowercase identifier.
    """
    if not _NAME.match(name):
        raise InstrumentError(f"survey instrument name {name!r} must match [a-z0-9_]+")
    return directory / f"{name}.yml"


@functools.lru_cache(maxsize=8)
def load_instrument(name: str, directory: Path = INSTRUMENTS_DIR) -> Instrument:
    """Read and check an instrument file (cached per process).

    Raises:
        InstrumentError: naming the file, when it is missing or malformed.
    """
    path = instrument_path(name, directory)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = sorted(p.stem for p in directory.glob("*.yml"))
        raise InstrumentError(f"{path}: no such survey instrument (known: {known})") from None
    except (OSError, yaml.YAMLError) as error:
        raise InstrumentError(f"{path}: cannot read the instrument: {error}") from error
    return parse_instrument(raw, path)


def parse_instrument(raw: Any, path: Path) -> Instrument:
    """Check the parsed YAML of an instrument and build it.

    Raises:
        InstrumentError: naming ``path`` and what is wrong.
    """
    if not isinstance(raw, dict):
        raise InstrumentError(f"{path}: expected a mapping with id, name, intro, scale, items")
    for key in ("id", "name", "intro"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise InstrumentError(f"{path}: {key!r} must be a non-empty string")
    if raw["id"] != path.stem:
        raise InstrumentError(f"{path}: id {raw['id']!r} must match the file name {path.stem!r}")
    minimum, maximum, labels = _scale(raw.get("scale"), path)
    items = _items(raw.get("items"), path)
    return Instrument(
        id=raw["id"],
        name=raw["name"].strip(),
        intro=raw["intro"].strip(),
        minimum=minimum,
        maximum=maximum,
        labels=labels,
        items=items,
    )


def _scale(scale: Any, path: Path) -> tuple[int, int, dict[int, str]]:
    if not isinstance(scale, dict):
        raise InstrumentError(f"{path}: 'scale' must be a mapping with min, max, labels")
    minimum, maximum, labels = scale.get("min"), scale.get("max"), scale.get("labels")
    if not (isinstance(minimum, int) and isinstance(maximum, int) and 0 <= minimum < maximum):
        raise InstrumentError(f"{path}: scale min and max must be whole numbers, min < max")
    if maximum - minimum > 10:
        raise InstrumentError(f"{path}: a scale of more than 11 points cannot be shown as buttons")
    points = set(range(minimum, maximum + 1))
    if (
        not isinstance(labels, dict)
        or set(labels) != points
        or not all(isinstance(v, str) and v.strip() for v in labels.values())
    ):
        raise InstrumentError(f"{path}: scale labels must name every point {sorted(points)}")
    return minimum, maximum, {int(k): str(v).strip() for k, v in labels.items()}


def _items(items: Any, path: Path) -> tuple[Item, ...]:
    if not isinstance(items, list) or not items:
        raise InstrumentError(f"{path}: 'items' must be a non-empty list")
    parsed: list[Item] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InstrumentError(f"{path}: item {number} must be a mapping")
        item_id, subscale, text = item.get("id"), item.get("subscale"), item.get("text")
        if not isinstance(item_id, str) or not _ITEM_ID.match(item_id):
            raise InstrumentError(f"{path}: item {number} needs an id matching [a-z0-9_]{{1,32}}")
        if subscale not in SUBSCALES:
            raise InstrumentError(f"{path}: item {item_id!r} needs a subscale in {SUBSCALES}")
        if not isinstance(text, str) or not text.strip():
            raise InstrumentError(f"{path}: item {item_id!r} needs a text")
        parsed.append(Item(id=item_id, subscale=subscale, text=text.strip()))
    ids = [item.id for item in parsed]
    if len(ids) != len(set(ids)):
        raise InstrumentError(f"{path}: item ids must be unique")
    return tuple(parsed)
