"""A custom action's write happens once per turn, even when the turn runs twice.

In scale-out mode a Rasa replica can die after an action has written to Ally's database and
before Rasa saved the turn; the web app then sends the message to another replica, which runs
the turn, and its actions, again (docs/scale-out.md). Without a key, a mood rating, a goal or an
alliance signal would be stored twice and skew every count a researcher makes.

:func:`write_once` runs the write and records its key and result in ``action_writes`` in the
same transaction. The key is the conversation, the person's message, the action's place in the
turn (how many actions ran after the message before it) and a label naming the write. Running
the same turn again runs the same actions in the same order, so the repeated write finds its
row and gets the stored result instead; a different turn, or another write in the same action,
has another key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.clock import utcnow
from bot.storage.tables import action_writes

T = TypeVar("T")
logger = logging.getLogger(__name__)
# A turn runs again within seconds of its first run (a replica's death, the web app's re-send);
# a conversation's older keys are deleted when it writes again, so the table stays small.
KEEP_KEYS = timedelta(days=1)


@dataclass(frozen=True)
class WriteKey:
    """Which write of which turn: stable when the same turn runs again."""

    conversation_id: str
    message_id: str
    step: int
    label: str


_c = action_writes.c
_STORED_RESULT = sa.select(_c.result).where(
    _c.conversation_id == sa.bindparam("conversation_id"),
    _c.message_id == sa.bindparam("message_id"),
    _c.step == sa.bindparam("step"),
    _c.label == sa.bindparam("label"),
)

_FORGET_OLD = sa.delete(action_writes).where(
    _c.conversation_id == sa.bindparam("conversation_id"), _c.created_at < sa.bindparam("before")
)


def stored_result(connection: Connection, key: WriteKey) -> tuple[bool, Any]:
    """Return ``(True, result)`` when the write with ``key`` was made, else ``(False, None)``."""
    row = connection.execute(_STORED_RESULT, _params(key)).first()
    return (True, row[0]) if row is not None else (False, None)


def write_once(
    connection: Connection,
    *,
    key: WriteKey,
    write: Callable[..., T],
    arguments: dict[str, Any],
) -> T:
    """Run ``write(connection, **arguments)`` unless ``key`` was written; return its result.

    The result must be JSON (an id, a flag, None): a repeated write returns the stored one. Two
    runs of the same key at the same moment cannot both commit (the key is the primary key): the
    second fails with ``IntegrityError`` and rolls its write back; the caller may run it again
    and then gets the first one's result.
    """
    done, result = stored_result(connection, key)
    if done:
        # Names the write only: never the conversation or the person's words.
        logger.info(
            "a turn ran again; its write was made already and is not repeated",
            extra={"event": "action_write_repeated", "label": key.label, "step": key.step},
        )
        return result  # type: ignore[no-any-return]  (the JSON the first write returned)
    result = write(connection, **arguments)
    now = utcnow()
    connection.execute(
        sa.insert(action_writes).values(**_params(key), result=result, created_at=now)
    )
    connection.execute(
        _FORGET_OLD, {"conversation_id": key.conversation_id, "before": now - KEEP_KEYS}
    )
    return result


def _params(key: WriteKey) -> dict[str, Any]:
    return {
        "conversation_id": key.conversation_id,
        "message_id": key.message_id,
        "step": key.step,
        "label": key.label,
    }
