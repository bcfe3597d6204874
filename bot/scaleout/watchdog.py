"""Keeps PostgreSQL and Redis running under ``ally up --scale``, and says when one hangs.

The supervisor (bot/supervisor.py) restarts the services it launched; PostgreSQL and Redis are
started before it (``ScaleTopology.prepare``). The watchdog checks every second that each
server's process runs and restarts one that died, with the supervisor's backoff
(:class:`~bot.supervisor.RestartPolicy`: 1 s, 2 s, 4 s, ... at most 30 s, as crashes and failed
starts pile up within 5 minutes). Unlike the supervisor it never gives up: stopping the stack
would stop the web app, which keeps sending the crisis text and spooling escalations while
PostgreSQL is away.

A running process is not always a serving server: a postmaster or redis-server that is stopped
(``kill -STOP``) or stuck (a full disk, ...) keeps its process. So every 5 s
(``probe_interval``) the watchdog also probes each live server at protocol level
(:attr:`WatchedServer.responds`: an SSLRequest for PostgreSQL, PING for Redis, each with a 2 s
timeout). After 3 failed probes in a row (``unresponsive_after``) it reports the server
``unresponsive``; the first probe it answers again makes it ``up``. A hung server is reported,
never killed or restarted: one that is merely slow under load (a checkpoint on a slow disk, a
burst of connections) must not lose its connections and open transactions to the watchdog, and
a restart does not empty a full disk; an operator, alerted by the health file or ``/readyz``,
decides. A dead process takes precedence: it is restarted as before, whatever the probes said.

Each change is a structured log event (``event``: ``backend_down``, ``backend_restart_failed``,
``backend_restarted``, ``backend_unresponsive``, ``backend_responsive``; server names, times and
counts only) and a new health file (bot/scaleout/backend_health.py).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from bot.errors import AllyError
from bot.scaleout.backend_health import HealthReport
from bot.scaleout.postgres import PostgresCluster
from bot.scaleout.redis import RedisServer
from bot.supervisor import RestartPolicy

logger = logging.getLogger(__name__)
CHECK_INTERVAL_SECONDS = 1.0
#: How often a live server is probed, how long a probe may take, and how many failed probes in
#: a row make it ``unresponsive``: reported 12 to 20 s after it hangs.
PROBE_INTERVAL_SECONDS = 5.0
PROBE_TIMEOUT_SECONDS = 2.0
UNRESPONSIVE_AFTER_PROBES = 3
Result = TypeVar("Result")


class Blocking(Protocol):
    """Runs a blocking call in the watchdog's threads."""

    def __call__(self, call: Callable[[], Result]) -> Awaitable[Result]:
        """Return the awaitable result of ``call()``."""
        ...


@dataclass(frozen=True)
class WatchedServer:
    """A server the watchdog keeps running: how to tell that it runs, start it, and probe it."""

    name: str
    is_alive: Callable[[], bool]  # its process runs; cheap, every second
    start: Callable[[], None]  # blocks until it serves; raises AllyError or OSError
    responds: Callable[[], bool]  # it answers a protocol-level probe within a short timeout


def scale_backends(postgres: PostgresCluster, redis: RedisServer) -> list[WatchedServer]:
    """The topology's PostgreSQL and Redis, as watched servers."""
    return [
        WatchedServer("postgres", postgres.is_alive, postgres.start,
                      functools.partial(postgres.responds, PROBE_TIMEOUT_SECONDS)),
        WatchedServer("redis", redis.is_alive, redis.start,
                      functools.partial(redis.responds, PROBE_TIMEOUT_SECONDS)),
    ]  # fmt: skip


@dataclass
class Probing:
    """One server's probes: when the next is due, how many failed in a row, the last answer."""

    interval: float
    next_at: float = 0.0
    failed: int = 0
    answered_at: float = 0.0

    def restart_clock(self, now: float) -> None:
        """Start counting afresh at ``now`` (the watchdog started, or the server restarted)."""
        self.next_at = now + self.interval
        self.failed = 0
        self.answered_at = now


def start_error(server: WatchedServer) -> str | None:
    """Start ``server``; return why it did not start, or None when it did."""
    try:
        server.start()
    except (AllyError, OSError) as exc:
        return str(exc)
    return None


class BackendWatchdog:
    """Checks every ``check_interval`` seconds that each server runs; restarts one that died.

    Every ``probe_interval`` seconds it also probes each live server (``responds``) and reports
    it ``unresponsive`` after ``unresponsive_after`` failed probes in a row, ``up`` again when it
    answers. A probe blocks that server's checks while it runs (at most its timeout).

    Checks and starts block (files, subprocesses, waiting for a port), so they run in threads
    of the watchdog's own pool, which lives as long as :meth:`run`. That matters for Redis: a
    child started by a thread gets SIGTERM when that thread ends (``die_with_parent``), so a
    Redis restarted here runs until the watchdog stops, with the stack.
    """

    def __init__(
        self,
        servers: Sequence[WatchedServer],
        health_path: Path,
        *,
        policy: RestartPolicy | None = None,
        check_interval: float = CHECK_INTERVAL_SECONDS,
        probe_interval: float = PROBE_INTERVAL_SECONDS,
        unresponsive_after: int = UNRESPONSIVE_AFTER_PROBES,
    ) -> None:
        self._servers = list(servers)
        self._policy = policy or RestartPolicy()
        self._check_interval = check_interval
        self._probe_interval = probe_interval
        self._unresponsive_after = unresponsive_after
        self._crashes: dict[str, list[float]] = {server.name: [] for server in servers}
        self.report = HealthReport(health_path, [server.name for server in servers])

    def health(self) -> dict[str, object]:
        """What the health file holds: each server's state, restarts and last error."""
        return self.report.snapshot()

    async def run(self) -> None:
        """Watch every server until cancelled."""
        with ThreadPoolExecutor(len(self._servers), thread_name_prefix="watchdog") as pool:
            loop = asyncio.get_running_loop()

            def blocking(call: Callable[[], Result]) -> Awaitable[Result]:
                return loop.run_in_executor(pool, call)

            watchers = [
                asyncio.ensure_future(self._watch(server, blocking)) for server in self._servers
            ]
            self.report.set_watching(True)
            try:
                await asyncio.gather(*watchers)
            finally:
                for watcher in watchers:
                    watcher.cancel()
                await asyncio.gather(*watchers, return_exceptions=True)
                self.report.set_watching(False)

    async def _watch(self, server: WatchedServer, blocking: Blocking) -> None:
        probing = Probing(self._probe_interval)
        probing.restart_clock(time.monotonic())
        while True:
            await asyncio.sleep(self._check_interval)
            alive = await blocking(server.is_alive)
            if alive and time.monotonic() >= probing.next_at:
                probing.next_at = time.monotonic() + self._probe_interval
                answered = await blocking(server.responds)
                # A process that died while it was probed is restarted, not reported as hung.
                alive = answered or await blocking(server.is_alive)
                if alive:
                    self._probed(server.name, probing, answered)
            if not alive:
                await self._restart(server, blocking)
                probing.restart_clock(time.monotonic())

    def _probed(self, name: str, probing: Probing, answered: bool) -> None:
        """Count a probe of ``name``, a live server; report it unresponsive, or up again."""
        now = time.monotonic()
        silent_seconds = round(now - probing.answered_at, 1)
        if answered:
            if self.report.servers[name].state == "unresponsive":
                self.report.responds_again(name)
                logger.warning(
                    "%s answers again after %.1f s",
                    name,
                    silent_seconds,
                    extra={"event": "backend_responsive", "backend": name,
                           "silent_seconds": silent_seconds, "failed_probes": probing.failed},
                )  # fmt: skip
            probing.failed = 0
            probing.answered_at = now
            return
        probing.failed += 1
        if probing.failed == self._unresponsive_after:
            self.report.went_unresponsive(name)
            logger.warning(
                "%s runs but did not answer %d probes in a row (%.1f s); not restarted",
                name,
                probing.failed,
                silent_seconds,
                extra={"event": "backend_unresponsive", "backend": name,
                       "silent_seconds": silent_seconds, "failed_probes": probing.failed},
            )  # fmt: skip

    async def _restart(self, server: WatchedServer, blocking: Blocking) -> None:
        name = server.name
        down_at = time.monotonic()
        self.report.went_down(name)
        delay = self._next_delay(name)
        logger.warning(
            "%s died; restarting in %g s",
            name,
            delay,
            extra={"event": "backend_down", "backend": name, "restart_in_seconds": delay},
        )
        while True:
            await asyncio.sleep(delay)
            # A start that failed late (a timeout) may have left the server running after all.
            if not await blocking(server.is_alive):
                error = await blocking(lambda: start_error(server))
                if error is not None:
                    delay = self._next_delay(name)
                    self.report.start_failed(name, error)
                    logger.error(
                        "%s did not restart (%s); trying again in %g s",
                        name,
                        error,
                        delay,
                        extra={"event": "backend_restart_failed", "backend": name,
                               "error": error, "restart_in_seconds": delay},
                    )  # fmt: skip
                    continue
            self.report.came_back(name)
            down_seconds = round(time.monotonic() - down_at, 1)
            logger.warning(
                "%s is running again after %.1f s",
                name,
                down_seconds,
                extra={"event": "backend_restarted", "backend": name,
                       "down_seconds": down_seconds,
                       "restarts": self.report.servers[name].restarts},
            )  # fmt: skip
            return

    def _next_delay(self, name: str) -> float:
        """Count a crash (or failed start) of ``name`` and return the backoff before a start."""
        self._crashes[name] = self._policy.with_crash(self._crashes[name], time.monotonic())
        return self._policy.delay(len(self._crashes[name]))


async def watching_backends(watchdog: BackendWatchdog, stack: Awaitable[int]) -> int:
    """Run ``stack`` (the supervised services) while ``watchdog`` keeps the backends running."""
    watch = asyncio.ensure_future(watchdog.run())
    watch.add_done_callback(_log_failure)
    try:
        return await stack
    finally:
        watch.cancel()
        await asyncio.gather(watch, return_exceptions=True)


def _log_failure(watch: asyncio.Future[None]) -> None:
    if watch.cancelled() or watch.exception() is None:
        return
    logger.error(
        "the backend watchdog stopped: PostgreSQL and Redis are no longer restarted",
        exc_info=watch.exception(),
        extra={"event": "backend_watchdog_failed"},
    )
