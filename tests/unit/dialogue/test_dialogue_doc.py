"""docs/dialogue.md shows every text Ally's dialogue sends, exactly as in the YAML files."""

from pathlib import Path

import pytest
import yaml

from bot.dialogue.messages import load_messages

PROJECT_DIR = Path(__file__).resolve().parents[3]
DOC = (PROJECT_DIR / "docs" / "dialogue.md").read_text(encoding="utf-8")


def _in_doc(text: str) -> bool:
    return text.replace("|", "\\|").replace("\n", "<br>") in DOC


@pytest.mark.parametrize("key", sorted(load_messages()))
def test_every_message_is_documented(key: str) -> None:
    assert _in_doc(load_messages()[key]["text"]), key


def test_every_domain_response_is_documented() -> None:
    for path in sorted((PROJECT_DIR / "domain").glob("*.yml")):
        if path.name.startswith("crisis"):
            continue
        for name, variants in (
            (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        ).items():
            assert f"`{name}`" in DOC and _in_doc(variants[0]["text"]), name
