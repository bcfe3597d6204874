"""What the risk gate remembers of each conversation between messages: no text, only signals.

One :class:`Watch` per conversation: the context of its recent messages (bot/risk/tiers.py),
whether Ally's direct question is waiting for an answer, and whether an earlier "no" keeps the
conversation watched. Held in memory, bounded (least recently seen conversations go first),
and never logged.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from bot.risk.tiers import Context

#: An unanswered question still counts as asked for this long.
ASK_VALID_SECONDS = 3600.0
MAX_CONVERSATIONS = 20_000


@dataclass(frozen=True)
class PendingAsk:
    """Ally asked the question and waits for the answer."""

    ask_id: int | None  # the risk_asks row, when it was recorded
    category: str | None
    asked_at: float  # time.monotonic()

    def valid(self, now: float) -> bool:
        """True while the question is recent enough to be answered."""
        return now - self.asked_at <= ASK_VALID_SECONDS


@dataclass(frozen=True)
class Watch:
    """One conversation's risk state."""

    context: Context = field(default_factory=Context)
    pending: PendingAsk | None = None


class WatchStore:
    """Bounded, thread-safe map of conversation id to :class:`Watch`."""

    def __init__(self, max_conversations: int = MAX_CONVERSATIONS) -> None:
        self._items: OrderedDict[str, Watch] = OrderedDict()
        self._max = max_conversations
        self._lock = threading.Lock()

    def get(self, conversation_id: str) -> Watch | None:
        """The conversation's state, or None if this process has not seen it."""
        with self._lock:
            watch = self._items.get(conversation_id)
            if watch is not None:
                self._items.move_to_end(conversation_id)
            return watch

    def put(self, conversation_id: str, watch: Watch) -> None:
        """Store the state, dropping the least recently seen conversation when full."""
        with self._lock:
            self._items[conversation_id] = watch
            self._items.move_to_end(conversation_id)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def forget(self, conversation_id: str) -> None:
        """Drop a conversation (its data was deleted)."""
        with self._lock:
            self._items.pop(conversation_id, None)

    def __len__(self) -> int:
        return len(self._items)


def now() -> float:
    """The clock the store uses (monotonic seconds)."""
    return time.monotonic()
