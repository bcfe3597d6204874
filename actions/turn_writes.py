"""Actions write rows through :func:`write_once`: once per turn, even if the turn runs again.

The key comes from the tracker Rasa sends: the person's latest message and how many actions
ran after it (bot/storage/action_writes.py explains why and how). Reads, and updates that give
the same row when repeated, go to the database directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy.exc
from rasa_sdk import Tracker

from actions import services
from bot.storage.action_writes import WriteKey
from bot.storage.action_writes import write_once as _write_once

T = TypeVar("T")


def event_id_of(tracker: Tracker) -> str | None:
    """Return the id of the person's latest turn: the web app's message id, else Rasa's."""
    metadata = tracker.latest_message.get("metadata") or {}
    if metadata.get("message_id"):
        return str(metadata["message_id"])
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            message_id = event.get("message_id")
            return str(message_id) if message_id else None
    return None


def actions_since_message(tracker: Tracker) -> int:
    """How many actions Rasa ran after the person's latest message (this one not counted)."""
    count = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return count
        if kind == "action":
            count += 1
    return count


def write_key(tracker: Tracker, label: str) -> WriteKey | None:
    """The key of write ``label`` in this action run, or None without a message id."""
    message_id = event_id_of(tracker)
    if message_id is None:
        return None
    return WriteKey(tracker.sender_id, message_id, actions_since_message(tracker), label)


async def write_once(
    tracker: Tracker, write: Callable[..., T], /, *, label: str | None = None, **arguments: Any
) -> T:
    """Run ``write(connection, **arguments)`` once for this action run of this turn.

    ``label`` tells apart two writes of the same function in one action (default: its name).
    """
    key = write_key(tracker, label or write.__name__)
    database = services.database()
    if key is None:
        return await database.run(write, **arguments)
    try:
        return await database.run(_write_once, key=key, write=write, arguments=arguments)
    except sqlalchemy.exc.IntegrityError:
        # Another run of the same turn committed this write first: return its result.
        return await database.run(_write_once, key=key, write=write, arguments=arguments)
