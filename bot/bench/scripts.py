"""The simulated people's scripts: realistic check-ins, about one in 20 with a risk message."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SCRIPTS_FILE = Path(__file__).with_name("data") / "scripts.yml"
RISK_EVERY = 20  # one person in this many discloses risk


@dataclass(frozen=True)
class Script:
    """What one simulated person types, and which turn (if any) is a risk message."""

    name: str
    turns: tuple[str, ...]
    risk_turn: int | None = None

    @property
    def has_risk(self) -> bool:
        """Return whether this script contains a risk message."""
        return self.risk_turn is not None


@cache
def load_library(path: Path = SCRIPTS_FILE) -> dict[str, Any]:
    """Read the scripts and risk messages from YAML."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not data.get("scripts") or not data.get("risk_messages"):
        raise ValueError(f"{path}: needs non-empty 'scripts' and 'risk_messages'")
    return data


def fit_turns(turns: list[str], count: int | None) -> list[str]:
    """Return ``count`` turns: the script cut short, or repeated from the start when too short."""
    if count is None:
        return list(turns)
    if count < 1:
        raise ValueError("a script needs at least one turn")
    return [turns[i % len(turns)] for i in range(count)]


def generate_scripts(
    people: int, *, turns_per_person: int | None = None, seed: int = 0
) -> list[Script]:
    """Return one script per person, deterministic for a given ``seed``.

    Person ``i`` gets a risk message when ``i % RISK_EVERY == RISK_EVERY // 2``, so 50 people
    include 3 disclosures (people 10, 30, 50 counting from 1) spread over the run. The risk
    message replaces the third turn (or the last, for shorter scripts): a disclosure that
    interrupts a check-in, as in the e2e suite.
    """
    library = load_library()
    names = sorted(library["scripts"])
    rng = random.Random(seed)  # noqa: S311 - reproducible scripts, not secrets
    scripts = []
    for person in range(people):
        name = rng.choice(names)
        turns = fit_turns(library["scripts"][name], turns_per_person)
        risk_turn = None
        if person % RISK_EVERY == RISK_EVERY // 2 - 1:
            risk_turn = min(2, len(turns) - 1)
            turns[risk_turn] = rng.choice(library["risk_messages"])
            name = f"{name}+risk"
        scripts.append(Script(name=name, turns=tuple(turns), risk_turn=risk_turn))
    return scripts
