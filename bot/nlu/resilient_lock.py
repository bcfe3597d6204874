"""The scale-out lock store: a replica that dies in the middle of a turn holds nobody up for long.

Rasa serialises the turns of one conversation with a ticket lock in Redis
(``rasa.core.lock_store``): a message takes a ticket that expires ``TICKET_LOCK_LIFETIME``
seconds after it was issued, waits until the tickets before it are gone, and removes its own
when the turn ends. A replica killed in the middle of a turn never removes its ticket. The
next message of that conversation (the web app sends the interrupted one to another replica at
once) takes the next ticket a moment later, with the same lifetime, and Rasa polls once a
second: it must look in the short gap after the dead ticket has expired and before its own has.
Measured under load, it missed that gap about half of the time. Its own ticket then expired
too, the lock was left with no tickets, and Rasa waits for such a lock until it is deleted,
which nobody does: the web app gave up after ``ALLY_RASA_TIMEOUT`` and the message was lost.

:class:`WaitingRedisLockStore` is Rasa's ``RedisLockStore`` in which a waiting ticket stays
alive: each poll moves its expiry to ``TICKET_LOCK_LIFETIME`` from now (and puts it back if it
was dropped). So a ticket's lifetime counts from the last moment its owner was known to be alive,
and a dead replica's ticket expires at most that long after it stopped waiting. Everything else
(issuing, serving in order, clean-up) is Rasa's.

Configured in ``endpoints-scale.yml`` as ``type: bot.nlu.resilient_lock.WaitingRedisLockStore``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any

from rasa.core import lock_store
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, RedisLockStore

logger = logging.getLogger(__name__)


def keep_waiting(lock: TicketLock, number: int, lifetime: float, now: float) -> None:
    """Renew ticket ``number`` of a waiter for ``lifetime`` seconds; drop expired tickets."""
    ticket = next((t for t in lock.tickets if t.number == number), None)
    if ticket is None:
        # Expired and dropped while its owner waited: put it back in its place in the queue.
        ticket = Ticket(number, now + lifetime)
        lock.tickets = deque(sorted([*lock.tickets, ticket], key=lambda t: t.number))
    ticket.expires = now + lifetime
    lock.remove_expired_tickets()


class WaitingRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose waiting tickets do not expire while their owner waits."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        """Create the store from the ``lock_store`` section of the endpoints file.

        Rasa builds a lock store of a custom ``type`` with ``endpoint_config`` only; its ``url``
        and other keys are ``RedisLockStore``'s arguments.
        """
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self.lifetime = float(lock_store.LOCK_LIFETIME)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Rasa's wait for the lock, renewing this waiter's ticket on every poll."""
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            lock = self.get_lock(conversation_id) or TicketLock(conversation_id)
            keep_waiting(lock, ticket, self.lifetime, time.time())
            self.save_lock(lock)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
