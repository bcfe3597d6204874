"""Keeps PostgreSQL and Redis running under ``ally up --scale``.

The supervisor (bot/supervisor.py) restarts the services it launched; PostgreSQL and Redis are
started before it (``ScaleTopology.prepare``). The watchdog checks every second that each
server's process runs and restarts one that died, with the supervisor's backoff
(:class:`~bot.supervisor.RestartPolicy`: 1 s, 2 s, 4 s, ... at most 30 s, as crashes and failed
starts pile up within 5 minutes). Unlike the supervisor it never gives up: stopping the stack
would stop the web app, which keeps sending the crisis text and spooling escalations while
PostgreSQL is away. Each change is a structured log event (``event``: ``backend_down``,
``backend_restart_failed``, ``backend_restarted``; server names, times and counts only) and a
new health file (bot/scaleout/backend_health.py).
"""

from __future__ import annotations

import asyncio
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
Result = TypeVar("Result")


class Blocking(Protocol):
    """Runs a blocking call in the watchdog's threads."""

    def __call__(self, call: Callable[[], Result]) -> Awaitable[Result]:
        """Return the awaitable result of ``call()``."""
        ...


@dataclass(frozen=True)
class WatchedServer:
    """A server the watchdog keeps running: how to tell that it runs, and how to start it."""

    name: str
    is_alive: Callable[[], bool]
    start: Callable[[], None]  # blocks until it serves; raises AllyError or OSError


def scale_backends(postgres: PostgresCluster, redis: RedisServer) -> list[WatchedServer]:
    """The topology's PostgreSQL and Redis, as watched servers."""
    return [
        WatchedServer("postgres", postgres.is_alive, postgres.start),
        WatchedServer("redis", redis.is_alive, redis.start),
    ]


def start_error(server: WatchedServer) -> str | None:
    """Start ``server``; return why it did not start, or None when it did."""
    try:
        server.start()
    except (AllyError, OSError) as exc:
        return str(exc)
    return None


class BackendWatchdog:
    """Checks every ``check_interval`` seconds that each server runs; restarts one that died.

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
    ) -> None:
        self._servers = list(servers)
        self._policy = policy or RestartPolicy()
        self._check_interval = check_interval
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
        while True:
            await asyncio.sleep(self._check_interval)
            if not await blocking(server.is_alive):
                await self._restart(server, blocking)

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
