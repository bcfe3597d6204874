"""A conversation's record for supporters and for the person's own widget.

The transcript merges Rasa's tracker (the bot's turns and everything the web app appended to it)
with the takeover messages in Ally's database, which are the source of truth for the human part:
a tracker event carrying ``ally_message_id`` of a stored message is the same message, shown once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import as_utc
from bot.storage.tables import (
    conversation_messages,
    conversation_sessions,
    escalation_messages,
    escalations,
    mood_ratings,
    participants,
    takeovers,
)
from bot.supporter.takeover import ConversationMessage, Takeover, list_messages, list_takeovers

SENDERS = ("person", "bot", "supporter", "system")
# Metadata key on tracker events the web app appends, linking them to conversation_messages.
MESSAGE_ID_KEY = "ally_message_id"


@dataclass(frozen=True)
class Entry:
    """One line of a transcript."""

    sender: str  # one of SENDERS
    text: str
    timestamp: datetime
    message_id: str | None = None
    supporter_name: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the shape the widget's ``ally_history`` and the API use."""
        data: dict[str, Any] = {
            "sender": self.sender,
            "text": self.text,
            "timestamp": self.timestamp.isoformat(),
        }
        if self.supporter_name:
            data["supporter_name"] = self.supporter_name
        if self.buttons:
            data["buttons"] = [dict(b) for b in self.buttons]
        return data


def _timestamp(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(0, tz=timezone.utc)


def _buttons(data: Any) -> list[dict[str, str]]:
    raw = data.get("buttons") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return []
    return [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in raw
        if isinstance(b, dict)
    ]


def tracker_entries(tracker: dict[str, Any]) -> list[Entry]:
    """Return the messages in a Rasa tracker dump (``user`` and ``bot`` events) as entries."""
    entries = []
    for event in tracker.get("events") or []:
        if not isinstance(event, dict) or event.get("event") not in ("user", "bot"):
            continue
        text = event.get("text")
        metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
        buttons = _buttons(event.get("data"))
        if not (isinstance(text, str) and text.strip()) and not buttons:
            continue  # custom payloads such as ally_event instructions
        if event["event"] == "user":
            sender, name = "person", None
        else:
            sender = metadata.get("sender") if metadata.get("sender") in SENDERS else "bot"
            name = metadata.get("supporter_name") if sender == "supporter" else None
        message_id = metadata.get(MESSAGE_ID_KEY) or metadata.get("message_id")
        entries.append(
            Entry(
                sender=sender,
                text=text if isinstance(text, str) else "",
                timestamp=_timestamp(event.get("timestamp")),
                message_id=str(message_id) if message_id else None,
                supporter_name=str(name) if name else None,
                buttons=buttons,
            )
        )
    return entries


def stored_entries(messages: list[ConversationMessage]) -> list[Entry]:
    """Return takeover messages from the database as entries."""
    return [
        Entry(
            sender=m.sender,
            text=m.text,
            timestamp=m.created_at,
            message_id=m.message_id,
            supporter_name=m.author if m.sender == "supporter" else None,
        )
        for m in messages
    ]


def takeover_markers(items: list[Takeover]) -> list[Entry]:
    """Return "took over" and "handed back" lines for a supporter's view of the transcript."""
    markers = []
    for item in items:
        markers.append(Entry("system", f"{item.supporter} took over", item.started_at))
        if item.ended_at:
            markers.append(Entry("system", f"{item.supporter} handed back", item.ended_at))
    return markers


def merge(tracker: list[Entry], stored: list[Entry], extra: Sequence[Entry] = ()) -> list[Entry]:
    """Merge entries in time order; stored messages win over their tracker copies."""
    stored_ids = {e.message_id for e in stored if e.message_id}
    kept = [e for e in tracker if not (e.message_id and e.message_id in stored_ids)]
    # sorted() is stable: entries with the same timestamp keep tracker, stored, extra order.
    return sorted([*kept, *stored, *extra], key=lambda e: e.timestamp)


@dataclass(frozen=True)
class Segment:
    """A piece of text, highlighted when it is a matched risk phrase."""

    text: str
    mark: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return ``{"text", "mark"}``."""
        return {"text": self.text, "mark": self.mark}


def highlight(text: str, phrases: list[str]) -> list[Segment]:
    """Split ``text`` into segments, marking each case-insensitive occurrence of ``phrases``.

    The result is plain text pieces: templates escape each one and wrap marked ones, so no
    user-written text is ever trusted as markup.
    """
    # Offsets must index the original text, so fold case only where lengths are kept.
    fold = str.casefold if len(text.casefold()) == len(text) else str.lower
    lowered = fold(text)
    spans: list[tuple[int, int]] = []
    for phrase in {p for p in phrases if p and p.strip()}:
        needle = fold(phrase)
        start = lowered.find(needle) if len(lowered) == len(text) else -1
        while start != -1:
            spans.append((start, start + len(needle)))
            start = lowered.find(needle, start + len(needle))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    segments, position = [], 0
    for start, end in merged:
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], mark=True))
        position = end
    if position < len(text) or not segments:
        segments.append(Segment(text[position:]))
    return segments


def flagged_phrases(connection: Connection, *, conversation_id: str) -> dict[str, list[str]]:
    """Return the matched risk phrases of each flagged message id in the conversation."""
    rows = connection.execute(
        sa.select(escalation_messages.c.message_id, escalation_messages.c.matches)
        .select_from(escalation_messages.join(escalations))
        .where(escalations.c.conversation_id == conversation_id)
    )
    return {
        row.message_id: [str(m.get("text", "")) for m in row.matches or [] if isinstance(m, dict)]
        for row in rows
    }


def risk_overview(connection: Connection, *, conversation_id: str) -> list[dict[str, Any]]:
    """Return the conversation's escalations, newest first, with the excerpt highlighted."""
    rows = connection.execute(
        sa.select(escalations)
        .where(escalations.c.conversation_id == conversation_id)
        .order_by(escalations.c.created_at.desc(), escalations.c.id.desc())
    )
    overview = []
    for row in rows:
        matches = [m for m in row.matches or [] if isinstance(m, dict)]
        phrases = [str(m.get("text", "")) for m in matches]
        overview.append(
            {
                "id": row.id,
                "kind": row.kind,
                "severity": row.severity,
                "categories": list(row.categories or []),
                "status": row.status,
                "claimed_by": row.claimed_by,
                "outcome": row.outcome,
                "created_at": as_utc(row.created_at).isoformat(),
                "phrases": sorted({p for p in phrases if p}),
                "rules": sorted({str(m.get("rule_id", "")) for m in matches} - {""}),
                "excerpt": [s.to_json() for s in highlight(row.excerpt or "", phrases)],
            }
        )
    return overview


def recent_moods(
    connection: Connection, *, conversation_id: str, limit: int = 10
) -> list[dict[str, Any]]:
    """Return the latest mood ratings, newest first, as ``{"rating", "created_at"}``."""
    rows = connection.execute(
        sa.select(mood_ratings.c.rating, mood_ratings.c.created_at)
        .where(mood_ratings.c.conversation_id == conversation_id)
        .order_by(mood_ratings.c.created_at.desc(), mood_ratings.c.id.desc())
        .limit(limit)
    )
    return [
        {"rating": int(row.rating), "created_at": as_utc(row.created_at).isoformat()}
        for row in rows
    ]


def conversation_known(connection: Connection, *, conversation_id: str) -> bool:
    """Return True when Ally's database holds anything about the conversation."""
    for table in (escalations, conversation_messages, takeovers, mood_ratings, participants,
                  conversation_sessions):  # fmt: skip
        found = connection.execute(
            sa.select(table.c.conversation_id)
            .where(table.c.conversation_id == conversation_id)
            .limit(1)
        ).first()
        if found is not None:
            return True
    return False


@dataclass(frozen=True)
class StoredRecord:
    """What Ally's database holds about one conversation (the tracker is read separately)."""

    messages: list[ConversationMessage]
    takeovers: list[Takeover]
    phrases: dict[str, list[str]]
    risk: list[dict[str, Any]]
    moods: list[dict[str, Any]]
    known: bool


def load_stored_record(connection: Connection, *, conversation_id: str) -> StoredRecord:
    """Read the conversation's database record in one transaction."""
    return StoredRecord(
        messages=list_messages(connection, conversation_id=conversation_id),
        takeovers=list_takeovers(connection, conversation_id=conversation_id),
        phrases=flagged_phrases(connection, conversation_id=conversation_id),
        risk=risk_overview(connection, conversation_id=conversation_id),
        moods=recent_moods(connection, conversation_id=conversation_id),
        known=conversation_known(connection, conversation_id=conversation_id),
    )


def tracker_user_event(message: ConversationMessage) -> dict[str, Any]:
    """Return the Rasa ``user`` event recording a person's message sent during a takeover."""
    return {
        "event": "user",
        "text": message.text,
        # Rasa requires parse_data. No intent: the message was never classified, and without
        # an action after it, it never becomes part of a dialogue state the policies see.
        "parse_data": {"intent": {}, "entities": [], "text": message.text},
        "timestamp": message.created_at.timestamp(),
        "metadata": {MESSAGE_ID_KEY: message.message_id, "sender": "person", "takeover": True},
    }


def tracker_bot_event(
    text: str, *, sender: str, at: datetime, message_id: str | None = None,
    supporter_name: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Return the Rasa ``bot`` event recording what the web app sent (supporter, system, bot)."""
    metadata: dict[str, Any] = {"sender": sender}
    if message_id:
        metadata[MESSAGE_ID_KEY] = message_id
    if supporter_name:
        metadata["supporter_name"] = supporter_name
    return {"event": "bot", "text": text, "timestamp": at.timestamp(), "metadata": metadata}


def live_message_event(
    conversation_id: str, entry: Entry, phrases: list[str] | None = None
) -> dict[str, Any]:
    """Return the LiveHub event that shows one message in supporters' conversation views."""
    message = entry.to_json()
    message["message_id"] = entry.message_id
    message["segments"] = [s.to_json() for s in highlight(entry.text, phrases or [])]
    return {"type": "conversation_message", "conversation_id": conversation_id, "message": message}
