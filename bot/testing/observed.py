"""What a test run saw: the tracker's events split into turns, plus the database's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BotMessage:
    """One bot message: its text and, for a domain response, the response's name."""

    text: str
    utter_action: str | None = None


@dataclass(frozen=True)
class EscalationRecord:
    """An escalation (or one flagged message of it) tied to the user message that caused it."""

    message_id: str
    kind: str
    severity: str
    categories: tuple[str, ...]

    def describe(self) -> str:
        """One line for failure messages."""
        return (
            f"{{kind: {self.kind}, severity: {self.severity}, categories: {list(self.categories)}}}"
        )


@dataclass(frozen=True)
class SignalRecord:
    """One alliance signal row."""

    event_id: str | None
    dimension: str
    source: str
    value: float
    cue: str
    created_at: float  # seconds since the epoch, UTC

    @property
    def sign(self) -> str:
        """``+``, ``-`` or ``0``."""
        return "+" if self.value > 0 else "-" if self.value < 0 else "0"

    def describe(self) -> str:
        """One line for failure messages."""
        return (
            f"{{dimension: {self.dimension}, source: {self.source}, sign: {self.sign!r},"
            f" cue: {self.cue}}}"
        )


@dataclass
class Turn:
    """One user message and everything the bot did until the next one.

    Attributes:
        text: What the runner sent.
        message_id: The id the runner sent in ``metadata.message_id`` (escalations key on it).
        event_id: Rasa's ``message_id`` of the user event (alliance signals key on it).
        sent_at, received_at: Wall-clock seconds around the REST call (for signals without id).
    """

    text: str
    message_id: str
    sent_at: float
    received_at: float
    event_id: str | None = None
    intent: str | None = None
    confidence: float | None = None
    risk: dict[str, Any] = field(default_factory=dict)
    bot_messages: list[BotMessage] = field(default_factory=list)
    slots: list[tuple[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    escalations: list[EscalationRecord] = field(default_factory=list)
    signals: list[SignalRecord] = field(default_factory=list)
    found: bool = False  # False when the tracker has no user event for this message


def split_turns(events: Sequence[dict[str, Any]], turns: Sequence[Turn]) -> None:
    """Fill each turn from the tracker events, matching user events by ``metadata.message_id``.

    User events the runner did not send (none, normally) are ignored with the events after them.
    """
    by_id = {turn.message_id: turn for turn in turns}
    current: Turn | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            message_id = str((event.get("metadata") or {}).get("message_id") or "")
            current = by_id.get(message_id)
            if current is not None:
                _fill_user(current, event)
        elif current is None:
            continue
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            current.bot_messages.append(
                BotMessage(str(event.get("text") or ""), metadata.get("utter_action"))
            )
        elif kind == "slot":
            current.slots.append((str(event.get("name")), event.get("value")))
        elif kind == "action" and event.get("name") != "action_listen":
            current.actions.append(str(event.get("name")))


def _fill_user(turn: Turn, event: dict[str, Any]) -> None:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    turn.found = True
    turn.event_id = event.get("message_id") or parse.get("message_id")
    turn.intent = intent.get("name")
    confidence = intent.get("confidence")
    turn.confidence = float(confidence) if confidence is not None else None
    turn.risk = dict(parse.get("risk") or {})


def assign_signals(turns: Sequence[Turn], signals: Sequence[SignalRecord]) -> None:
    """Give each turn its signals: by the turn's message or event id, else by its time window.

    A signal without an event id belongs to the turn during which it was written; the window
    runs from sending the message to sending the next one.
    """
    # Ally's actions key signals on the REST metadata's message_id, else on Rasa's event id.
    by_event = {turn.event_id: turn for turn in turns if turn.event_id}
    by_event.update({turn.message_id: turn for turn in turns})
    for signal in signals:
        if signal.event_id and signal.event_id in by_event:
            by_event[signal.event_id].signals.append(signal)
            continue
        for index, turn in enumerate(turns):
            end = turns[index + 1].sent_at if index + 1 < len(turns) else float("inf")
            if turn.sent_at <= signal.created_at < end:
                turn.signals.append(signal)
                break


def assign_escalations(turns: Sequence[Turn], records: Sequence[EscalationRecord]) -> None:
    """Give each turn the escalation records keyed on its message id."""
    by_id = {turn.message_id: turn for turn in turns}
    for record in records:
        turn = by_id.get(record.message_id)
        if turn is not None:
            turn.escalations.append(record)
