"""Check a test case's steps against what the run observed; report the first failing step."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.testing.cases import Step, TestCase, describe_value, is_any_value
from bot.testing.observed import BotMessage, Turn


@dataclass(frozen=True)
class StepFailure:
    """The first step that did not hold, with what was expected and what happened."""

    step: Step
    expected: str
    actual: str

    def describe(self) -> str:
        """Two short lines for the console and JUnit."""
        head = f"step {self.step.index} ({self.step.kind}): expected {self.expected}"
        return f"{head}\n  actual: {self.actual}"


def evaluate(
    case: TestCase, turns: Sequence[Turn], templates: Mapping[str, str]
) -> StepFailure | None:
    """Return the first failing step of ``case`` given the observed ``turns``, or None.

    Args:
        case: The test case.
        turns: One observed turn per ``user`` step, in order.
        templates: Action-sent message texts by key (``bot/dialogue/data/messages.yml``), so an
            ``utter`` step can name them like a domain response.
    """
    turn: Turn | None = None
    cursor = 0
    numbered = iter(turns)
    for step in case.steps:
        if step.kind == "user":
            turn = next(numbered, None)
            cursor = 0
            if turn is None or not turn.found:
                return StepFailure(step, "the message to reach Rasa", "it is not in the tracker")
            continue
        assert turn is not None  # the parser makes the first step a user step
        if step.kind in ("bot", "utter"):
            failure = _check_message(step, turn.bot_messages, cursor, templates)
            if failure is not None:
                return failure
            cursor += 1
            continue
        failure = _CHECKS[step.kind](step, turn)
        if failure is not None:
            return failure
    return None


def _check_message(
    step: Step, messages: Sequence[BotMessage], cursor: int, templates: Mapping[str, str]
) -> StepFailure | None:
    if cursor >= len(messages):
        said = "; ".join(_short(m.text) for m in messages) or "nothing"
        what = repr(step.value) if step.kind == "bot" else step.value
        return StepFailure(step, f"bot message #{cursor + 1} {what}", f"the bot said only: {said}")
    message = messages[cursor]
    if step.kind == "bot":
        if message.text == step.value:
            return None
        return StepFailure(step, repr(step.value), repr(message.text))
    if matches_response(message, step.value, templates):
        return None
    name = message.utter_action or response_for(message.text, templates) or "no response name"
    return StepFailure(step, step.value, f"{name}: {_short(message.text)!r}")


def matches_response(message: BotMessage, name: str, templates: Mapping[str, str]) -> bool:
    """True when ``message`` is domain response ``name`` or action message ``name``."""
    if message.utter_action is not None:
        return message.utter_action == name
    template = templates.get(name)
    return template is not None and template_pattern(template).fullmatch(message.text) is not None


def response_for(text: str, templates: Mapping[str, str]) -> str | None:
    """Return the key of the most specific message template that ``text`` matches, if any.

    Templates that are only placeholders (``"{intro}"``) match any text, so they never count.
    """
    matching = [
        key for key, template in templates.items() if template_pattern(template).fullmatch(text)
    ]
    best = max(matching, key=lambda key: len(_literal(templates[key])), default=None)
    return best if best is not None and _literal(templates[best]).strip() else None


def _literal(template: str) -> str:
    return "".join(literal for literal, _, _, _ in string.Formatter().parse(template))


@functools.lru_cache(maxsize=512)
def template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression for a ``str.format`` template: each placeholder matches any text.

    A message that starts with the template's lines and goes on with more lines also matches:
    actions compose some messages (the closing summary starts with ``summary_intro``).
    """
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".*?")
    return re.compile("".join(parts) + r"(?:\n.*)?", re.DOTALL)


def _short(text: str, limit: int = 90) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 3] + "..."


def _check_intent(step: Step, turn: Turn) -> StepFailure | None:
    if turn.intent == step.value:
        return None
    confidence = f" ({turn.confidence:.2f})" if turn.confidence is not None else ""
    return StepFailure(step, step.value, f"{turn.intent}{confidence}")


def _check_slots(step: Step, turn: Turn) -> StepFailure | None:
    for name, expected in step.value.items():
        values = [value for slot, value in turn.slots if slot == name]
        if is_any_value(expected):
            if values:
                continue
            return StepFailure(step, f"slot {name} set", f"not set in this turn{_slots_seen(turn)}")
        if any(_same(value, expected) for value in values):
            continue
        actual = ", ".join(describe_value(v) for v in values) if values else "not set in this turn"
        return StepFailure(step, f"{name} = {describe_value(expected)}", f"{name} = {actual}")
    return None


def _same(actual: Any, expected: Any) -> bool:
    if actual == expected:
        return True
    # YAML reads 7 as an int while a slot may hold "7", and the other way round.
    return isinstance(expected, (int, float, str)) and str(actual) == str(expected)


def _slots_seen(turn: Turn) -> str:
    names = sorted({name for name, _ in turn.slots})
    return f" (set: {', '.join(names)})" if names else ""


def _check_escalation(step: Step, turn: Turn) -> StepFailure | None:
    expected: dict[str, Any] | None = step.value
    if expected is None:
        if not turn.escalations:
            return None
        return StepFailure(step, "no escalation", "; ".join(e.describe() for e in turn.escalations))
    for record in turn.escalations:
        if record.kind != expected["kind"]:
            continue
        if "severity" in expected and record.severity != expected["severity"]:
            continue
        if "categories" in expected and sorted(record.categories) != expected["categories"]:
            continue
        return None
    actual = "; ".join(e.describe() for e in turn.escalations) or "no escalation for this message"
    return StepFailure(step, describe_value(expected), actual)


def _check_signal(step: Step, turn: Turn) -> StepFailure | None:
    expected: dict[str, str] = step.value
    for signal in turn.signals:
        observed = {
            "dimension": signal.dimension,
            "source": signal.source,
            "sign": signal.sign,
            "cue": signal.cue,
        }
        if all(observed[key] == value for key, value in expected.items()):
            return None
    actual = "; ".join(s.describe() for s in turn.signals) or "no alliance signal in this turn"
    return StepFailure(step, describe_value(expected), actual)


_CHECKS = {
    "intent": _check_intent,
    "slot_was_set": _check_slots,
    "escalation": _check_escalation,
    "alliance_signal": _check_signal,
}
