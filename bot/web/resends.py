"""Idempotent turns: a message the widget sends again is answered, never processed twice.

The widget gives each message a client id and keeps it until the web app acknowledges it; when
the connection drops first (the web app crashed or restarted, the network went away), it sends
the message again with the same id, marked ``resent``. The turn's message id is derived from
the conversation and the client id, so everything keyed on it recognises a message seen before:

- the escalation record is idempotent per message id (``record_flagged_message``);
- Rasa stores the message id in the user event's metadata, so a message already in the tracker
  is answered with the bot messages that followed it there instead of being sent to Rasa again;
- while the first attempt still runs in this process, a re-send waits for its answer, and a
  recent answer is remembered (:class:`TurnLedger`).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
RECENT_TURNS = 4096

Result = TypeVar("Result")


def client_message_id(data: Any) -> str | None:
    """Return the client's id for a ``user_uttered`` payload, or None if absent or malformed."""
    value = data.get("message_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and CLIENT_ID.fullmatch(value) else None


def is_resent(data: Any) -> bool:
    """Return whether the client marked the payload as a re-send of an unacknowledged message."""
    return isinstance(data, dict) and data.get("resent") is True


def turn_message_id(conversation_id: str, client_id: str) -> str:
    """Return the turn's message id: stable per conversation and client id, unguessable across.

    Hashing in the conversation id keeps one person's ids from ever naming another's message.
    """
    digest = hashlib.sha256(f"{conversation_id}\0{client_id}".encode()).hexdigest()
    return digest[:32]


def replies_after(tracker: dict[str, Any], message_id: str) -> list[dict[str, Any]] | None:
    """Return the REST-style replies Rasa gave to the user message ``message_id``.

    Returns None when the tracker holds no user message with that id (Rasa never got it), and
    the bot messages between it and the next user message otherwise (possibly none).
    """
    replies: list[dict[str, Any]] | None = None
    for event in tracker.get("events") or []:
        if not isinstance(event, dict):
            continue
        if event.get("event") == "user":
            if replies is not None:
                break
            metadata = event.get("metadata")
            if isinstance(metadata, dict) and message_id in (
                metadata.get("message_id"),
                metadata.get("ally_message_id"),
            ):
                replies = []
        elif event.get("event") == "bot" and replies is not None:
            replies.append(_rest_reply(event))
    return replies


def _rest_reply(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    reply: dict[str, Any] = {"text": event.get("text")}
    for key in ("buttons", "image", "custom"):
        if data.get(key):
            reply[key] = data[key]
    return reply


class TurnLedger(Generic[Result]):
    """Runs each turn once per (conversation, message id) in this process.

    A re-send shares the running turn's result or reuses a recent one. Results are kept for the
    last ``size`` turns only, and :meth:`forget` drops a conversation's (for "delete my data").
    """

    def __init__(self, size: int = RECENT_TURNS) -> None:
        self._size = size
        self._running: dict[tuple[str, str], asyncio.Future[Result]] = {}
        self._done: OrderedDict[tuple[str, str], Result] = OrderedDict()

    async def once(
        self, conversation_id: str, message_id: str, run: Callable[[], Awaitable[Result]]
    ) -> tuple[Result, bool]:
        """Return the turn's result, and True if this call ran it (False for a re-send)."""
        key = (conversation_id, message_id)
        if key in self._done:
            return self._done[key], False
        if key in self._running:
            return await asyncio.shield(self._running[key]), False
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await run()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a failure with no re-send waiting is not "lost"
            raise
        finally:
            del self._running[key]
        future.set_result(result)
        self._done[key] = result
        while len(self._done) > self._size:
            self._done.popitem(last=False)
        return result, True

    def forget(self, conversation_id: str) -> None:
        """Drop the remembered results of one conversation."""
        for key in [key for key in self._done if key[0] == conversation_id]:
            del self._done[key]
