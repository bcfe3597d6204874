"""Helpers of the watchdog tests: a fast restart policy, bounded waits, a server that fails.

The tests are synchronous (``asyncio.run``, the scenario in a thread) because tests/unit also
runs in the Rasa environment, which has no asyncio pytest plugin.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.scaleout.errors import BackendError
from bot.scaleout.watchdog import BackendWatchdog
from bot.supervisor import RestartPolicy

FAST = RestartPolicy(base_delay=0.2, max_delay=1.0)


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; return whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def watched(watchdog: BackendWatchdog, scenario: Callable[[], None]) -> None:
    """Run ``scenario`` in a thread while ``watchdog`` runs; stop the watchdog after it."""

    async def main() -> None:
        watch = asyncio.ensure_future(watchdog.run())
        try:
            await asyncio.to_thread(scenario)
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)

    asyncio.run(main())


class FlakyServer:
    """A stand-in server that dies on demand and whose next ``failures`` starts fail.

    It answers probes while ``answers`` holds, except for the next ``silent_probes``.
    """

    def __init__(self, failures: int = 0) -> None:
        self.alive = True
        self.failures = failures
        self.answers = True
        self.silent_probes = 0
        self.probes = 0

    def is_alive(self) -> bool:
        return self.alive

    def responds(self) -> bool:
        self.probes += 1
        if self.silent_probes:
            self.silent_probes -= 1
            return False
        return self.alive and self.answers

    def start(self) -> None:
        if self.failures:
            self.failures -= 1
            raise BackendError("pg_ctl failed: could not start server")
        self.alive = True
        self.answers = True  # a new process
