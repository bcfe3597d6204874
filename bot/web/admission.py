"""A first-come, first-served gate in front of Rasa: at most ``limit`` turns inside at once.

Rasa serves every turn it has been sent at the same time on one event loop, so under load each
turn's latency is the sum of slices of everyone else's turns, and how long one turn takes
depends on how many arrived while it ran: the tail (p99) grows to about twice the mean. With a
gate in the web app, Rasa works on ``limit`` turns at a time and the others wait in arrival
order; a turn then waits about as long as the turns ahead of it take. Throughput is unchanged
(Rasa stays busy as long as ``limit`` covers its waits on the action server and the tracker
store); the spread of latencies shrinks.

A turn with a risk disclosure is admitted before every waiting turn (``urgent=True``): a person
in crisis does not queue behind check-ins. The web app has already recorded the escalation and
will send the crisis text itself if Rasa fails; the gate only orders who Rasa serves first.

Use: ``async with app[GATE].admit(urgent=assessment.risk): replies = await rasa.send(...)``,
with ``app[GATE] = AdmissionGate()`` in the app factory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator

from aiohttp import web

DEFAULT_LIMIT = 8
# Turns admitted at once per Rasa process: enough to cover its waits on the action server and
# the tracker store, few enough that a turn does not share Rasa with dozens of others.
TURNS_PER_RASA = 8


class AdmissionGate:
    """At most ``limit`` holders at once; waiters admitted in order, urgent ones first."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        """Create a gate that admits ``limit`` turns at once."""
        if limit < 1:
            raise ValueError("an admission gate needs a limit of at least 1")
        self.limit = limit
        self.inside = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        """How many turns wait to be admitted."""
        return sum(not f.done() for f in self._waiting)

    @contextlib.asynccontextmanager
    async def admit(self, *, urgent: bool = False) -> AsyncIterator[None]:
        """Wait for a place (urgent turns go to the front), hold it for the block."""
        await self._enter(urgent)
        try:
            yield
        finally:
            self._leave()

    async def _enter(self, urgent: bool) -> None:
        if self.inside < self.limit and not self.waiting:
            self.inside += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if urgent:
            self._waiting.appendleft(future)
        else:
            self._waiting.append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._leave()  # admitted just as the caller gave up: pass the place on
            elif future in self._waiting:
                self._waiting.remove(future)
            raise

    def _leave(self) -> None:
        """Hand the place to the next waiter, or free it."""
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_result(None)  # the place passes on: ``inside`` is unchanged
                return
        self.inside -= 1


GATE: web.AppKey[AdmissionGate] = web.AppKey("admission_gate", AdmissionGate)
