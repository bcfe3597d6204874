"""Texts sent by custom actions, read from ``data/messages.yml`` (clinician-editable)."""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "data" / "messages.yml"


class MessageError(ValueError):
    """The messages file is malformed, or a message was rendered with the wrong values."""


@functools.lru_cache(maxsize=1)
def load_messages(path: Path = MESSAGES_FILE) -> dict[str, dict[str, Any]]:
    """Read and check the messages file once per process."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise MessageError(f"{path}: expected a mapping of message keys")
    for key, message in raw.items():
        if not isinstance(message, dict) or not isinstance(message.get("text"), str):
            raise MessageError(f"{path}: message {key!r} needs a 'text' string")
        buttons = message.get("buttons", [])
        if not isinstance(buttons, list) or not all(_is_button(b) for b in buttons):
            raise MessageError(
                f"{path}: message {key!r} needs buttons that are strings or {{title, payload}}"
            )
    return raw


def _is_button(button: Any) -> bool:
    if isinstance(button, str):
        return True
    return (
        isinstance(button, dict)
        and set(button) == {"title", "payload"}
        and all(isinstance(v, str) and v for v in button.values())
    )


def placeholders(key: str) -> set[str]:
    """Return the ``{name}`` placeholders of a message."""
    text = load_messages()[key]["text"]
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def text(key: str, **values: Any) -> str:
    """Return only the text of message ``key`` (for fragments joined into a longer message)."""
    return str(render(key, **values)["text"])


def render(key: str, **values: Any) -> dict[str, Any]:
    """Return keyword arguments for ``dispatcher.utter_message`` for message ``key``.

    Raises:
        MessageError: for an unknown key or missing/extra placeholder values.
    """
    messages = load_messages()
    if key not in messages:
        raise MessageError(f"unknown message {key!r}")
    expected = placeholders(key)
    if set(values) != expected:
        raise MessageError(f"message {key!r} needs values {sorted(expected)}, got {sorted(values)}")
    message = messages[key]
    rendered: dict[str, Any] = {"text": message["text"].format(**values)}
    buttons = message.get("buttons")
    if buttons:
        rendered["buttons"] = [
            {"title": b, "payload": b} if isinstance(b, str) else dict(b) for b in buttons
        ]
    return rendered
