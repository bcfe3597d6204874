"""Rasa's check of an action server's response, with the same verdict at a fraction of the cost.

Rasa validates every custom action's response against one JSON schema. Its event item is a
``oneOf`` over 23 event kinds, so each event is checked against all 23 alternatives: about 5 %
of Rasa's event loop under load (docs/benchmarks.md). Every alternative fixes the ``event`` name
with a ``const``, so for an event named ``slot`` all alternatives but ``slot`` fail, and the
``oneOf`` holds exactly when the ``slot`` alternative does. ``ActionResultValidator`` checks each
event against its own kind's alternative only; an event of no known kind, or a schema of any
other shape, goes through the whole schema. ``tests/actions/test_action_result_schema.py``
compares the verdicts with the whole schema's on generated responses.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonschema.validators import validator_for


class ActionResultValidator:
    """``is_valid(result)`` equals validating ``result`` against the whole schema."""

    def __init__(self, schema: dict[str, Any]) -> None:
        """Compile the whole schema, and one small schema per event kind where that is exact."""
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)  # once, instead of on every call as Rasa does
        self._whole = validator_class(schema)
        self._by_kind: dict[str, Any] = {}
        events = schema.get("properties", {}).get("events", {})
        item = events.get("items") if isinstance(events, dict) else None
        kinds = _alternatives_by_kind(item)
        if kinds is None:
            self._shell = self._whole
            return
        shell = copy.deepcopy(schema)
        shell["properties"]["events"]["items"] = {}
        self._shell = validator_class(shell)
        common = {key: value for key, value in item.items() if key != "oneOf"}
        for kind, alternative in kinds.items():
            self._by_kind[kind] = validator_class({**common, "allOf": [alternative]})

    def is_valid(self, result: Any) -> bool:
        """Whether Rasa's schema accepts ``result``."""
        if not self._shell.is_valid(result):
            return False
        events = result.get("events") if isinstance(result, dict) else None
        if not isinstance(events, list) or not self._by_kind:
            return True  # the shell has checked everything there is
        for event in events:
            kind = event.get("event") if isinstance(event, dict) else None
            validator = self._by_kind.get(kind) if isinstance(kind, str) else None
            if validator is None:
                return bool(self._whole.is_valid(result))
            if not validator.is_valid(event):
                return False
        return True


def _alternatives_by_kind(item: Any) -> dict[str, Any] | None:
    """Map each event name to its ``oneOf`` alternative, or None if one lacks a unique name."""
    if not isinstance(item, dict) or not isinstance(item.get("oneOf"), list):
        return None
    if "event" not in item.get("required", []):
        return None
    kinds: dict[str, Any] = {}
    for alternative in item["oneOf"]:
        name = alternative.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in kinds:
            return None
        kinds[name] = alternative
    return kinds
