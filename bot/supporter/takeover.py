"""Live takeover of a conversation by a human supporter: the records, and the texts around it.

The database decides who holds a conversation: ``takeovers`` has a partial unique index that
allows one active row per conversation. Every change writes its audit row in the same
transaction. Message text goes to ``conversation_messages`` only, never to the audit log.
"""

from __future__ import annotations

import functools
import string
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection

from bot.clock import as_utc, utcnow
from bot.storage.audit import record_audit
from bot.storage.tables import conversation_messages, takeovers

MESSAGES_FILE = Path(__file__).resolve().parent / "data" / "messages.yml"
MAX_REPLY_CHARS = 4000
SENDERS = ("person", "supporter")


class TakeoverError(Exception):
    """A takeover action that the conversation's current state does not allow."""


class AlreadyTakenOverError(TakeoverError):
    """Someone already holds this conversation."""


class NotHeldError(TakeoverError):
    """The supporter does not hold this conversation (no takeover, or someone else's)."""


@dataclass(frozen=True)
class Takeover:
    """One takeover: who held the conversation and when."""

    id: int
    conversation_id: str
    supporter: str
    started_at: datetime
    ended_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        """Return the JSON shape used by the API."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "supporter": self.supporter,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
        }


@dataclass(frozen=True)
class ConversationMessage:
    """A message exchanged while a human held the conversation."""

    message_id: str
    conversation_id: str
    sender: str  # "person" or "supporter"
    author: str | None
    text: str
    created_at: datetime


def _takeover(row: Any) -> Takeover:
    return Takeover(
        id=row.id,
        conversation_id=row.conversation_id,
        supporter=row.supporter,
        started_at=as_utc(row.started_at),
        ended_at=as_utc(row.ended_at) if row.ended_at else None,
    )


# Built once: every turn asks this (see escalations._OPEN_RISK_ID).
_ACTIVE_TAKEOVER = sa.select(takeovers).where(
    takeovers.c.conversation_id == sa.bindparam("conversation_id"),
    takeovers.c.ended_at.is_(None),
)


def active_takeover(connection: Connection, *, conversation_id: str) -> Takeover | None:
    """Return the conversation's active takeover, if any."""
    row = connection.execute(_ACTIVE_TAKEOVER, {"conversation_id": conversation_id}).first()
    return _takeover(row) if row else None


def list_takeovers(connection: Connection, *, conversation_id: str) -> list[Takeover]:
    """Return every takeover of a conversation, oldest first."""
    rows = connection.execute(
        sa.select(takeovers)
        .where(takeovers.c.conversation_id == conversation_id)
        .order_by(takeovers.c.started_at, takeovers.c.id)
    )
    return [_takeover(row) for row in rows]


def start_takeover(connection: Connection, *, conversation_id: str, supporter: str) -> Takeover:
    """Record that ``supporter`` takes the conversation over, with its audit row.

    Raises:
        AlreadyTakenOverError: when someone already holds it. Two racing callers both passing
            the check still cannot both insert: the partial unique index refuses the second
            (``IntegrityError``, which callers treat the same way).
    """
    current = active_takeover(connection, conversation_id=conversation_id)
    if current is not None:
        raise AlreadyTakenOverError(f"{current.supporter} already holds this conversation")
    now = utcnow()
    takeover_id = connection.execute(
        sa.insert(takeovers).values(conversation_id=conversation_id, supporter=supporter,
                                    started_at=now)
    ).inserted_primary_key[0]  # fmt: skip
    record_audit(connection, actor=supporter, action="takeover_started",
                 target_type="conversation", target_id=conversation_id,
                 detail={"takeover_id": int(takeover_id)})  # fmt: skip
    return Takeover(int(takeover_id), conversation_id, supporter, now, None)


def end_takeover(
    connection: Connection, *, conversation_id: str, supporter: str, override: bool = False
) -> Takeover:
    """End the active takeover (the holder's, or anyone's with ``override``), with audit row.

    Raises:
        NotHeldError: when there is no active takeover, or another supporter holds it.
    """
    current = active_takeover(connection, conversation_id=conversation_id)
    if current is None:
        raise NotHeldError("this conversation is not taken over")
    if current.supporter != supporter and not override:
        raise NotHeldError(f"{current.supporter} holds this conversation")
    now = utcnow()
    connection.execute(
        sa.update(takeovers).where(takeovers.c.id == current.id).values(ended_at=now)
    )
    record_audit(connection, actor=supporter, action="takeover_ended",
                 target_type="conversation", target_id=conversation_id,
                 detail={"takeover_id": current.id, "held_by": current.supporter})  # fmt: skip
    return Takeover(current.id, conversation_id, current.supporter, current.started_at, now)


def store_message(
    connection: Connection,
    *,
    conversation_id: str,
    sender: str,
    text: str,
    author: str | None = None,
    message_id: str | None = None,
) -> ConversationMessage:
    """Store one message of a taken-over conversation and return it."""
    if sender not in SENDERS:
        raise ValueError(f"unknown sender {sender!r}")
    message = ConversationMessage(
        message_id=message_id or uuid.uuid4().hex,
        conversation_id=conversation_id,
        sender=sender,
        author=author,
        text=text,
        created_at=utcnow(),
    )
    connection.execute(
        sa.insert(conversation_messages).values(
            conversation_id=conversation_id,
            message_id=message.message_id,
            sender=sender,
            author=author,
            text=text,
            created_at=message.created_at,
        )
    )
    return message


def store_supporter_reply(
    connection: Connection, *, conversation_id: str, supporter: str, text: str
) -> ConversationMessage:
    """Store a reply from the supporter who holds the conversation, with its audit row.

    Raises:
        NotHeldError: unless ``supporter`` holds the conversation's active takeover.
    """
    current = active_takeover(connection, conversation_id=conversation_id)
    if current is None or current.supporter != supporter:
        raise NotHeldError("take the conversation over before replying")
    message = store_message(
        connection, conversation_id=conversation_id, sender="supporter", text=text,
        author=supporter,
    )  # fmt: skip
    record_audit(connection, actor=supporter, action="supporter_replied",
                 target_type="conversation", target_id=conversation_id,
                 detail={"message_id": message.message_id})  # fmt: skip
    return message


def list_messages(connection: Connection, *, conversation_id: str) -> list[ConversationMessage]:
    """Return the conversation's takeover messages, oldest first."""
    rows = connection.execute(
        sa.select(conversation_messages)
        .where(conversation_messages.c.conversation_id == conversation_id)
        .order_by(conversation_messages.c.created_at, conversation_messages.c.id)
    )
    return [
        ConversationMessage(
            message_id=row.message_id,
            conversation_id=row.conversation_id,
            sender=row.sender,
            author=row.author,
            text=row.text,
            created_at=as_utc(row.created_at),
        )
        for row in rows
    ]


@functools.lru_cache(maxsize=1)
def _messages() -> dict[str, str]:
    raw = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not all(
        isinstance(m, dict) and isinstance(m.get("text"), str) for m in raw.values()
    ):
        raise ValueError(f"{MESSAGES_FILE}: expected keys, each with a 'text' string")
    return {key: message["text"] for key, message in raw.items()}


def message_text(key: str, **values: str) -> str:
    """Return the text ``key`` from ``data/messages.yml`` with its placeholders filled.

    Raises:
        KeyError: for an unknown key.
        ValueError: when the values do not match the placeholders.
    """
    text = _messages()[key]
    expected = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    if set(values) != expected:
        raise ValueError(f"message {key!r} needs {sorted(expected)}, got {sorted(values)}")
    return text.format(**values)
