from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import services
from bot.storage.engine import Database

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def actions_database(database: Database) -> Iterator[Database]:
    services.override_database(database)
    yield database
    services.override_database(None)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The merged domain (every file under domain/)."""
    merged: dict[str, Any] = {}
    for path in sorted((PROJECT_DIR / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text())
        for key, value in part.items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged
