"""The watchdog's backoff, its health report and its place beside the supervised services.

Stand-in servers (tests/unit/scaleout/watchdog_helpers.py); test_backend_watchdog.py kills the
real ones.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from bot.scaleout.watchdog import BackendWatchdog, WatchedServer, watching_backends
from tests.unit.scaleout.watchdog_helpers import FAST, FlakyServer, wait_until, watched

CHECK_SECONDS = 0.05


def watchdog_of(servers: dict[str, FlakyServer], health_path: Path) -> BackendWatchdog:
    watched_servers = [
        WatchedServer(name, server.is_alive, server.start, server.responds)
        for name, server in servers.items()
    ]
    return BackendWatchdog(watched_servers, health_path, policy=FAST, check_interval=CHECK_SECONDS)


def test_failed_starts_are_retried_with_growing_backoff(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    flaky, steady = FlakyServer(failures=2), FlakyServer()
    watchdog = watchdog_of({"postgres": flaky, "redis": steady}, tmp_path / "backends.json")

    def scenario() -> None:
        flaky.alive = False
        assert wait_until(lambda: watchdog.report.servers["postgres"].restarts == 1, 10.0)

    with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
        watched(watchdog, scenario)

    events = [(vars(r)["event"], vars(r).get("restart_in_seconds")) for r in caplog.records]
    assert events == [
        ("backend_down", 0.2), ("backend_restart_failed", 0.4),
        ("backend_restart_failed", 0.8), ("backend_restarted", None),
    ]  # fmt: skip
    postgres, redis = watchdog.report.servers["postgres"], watchdog.report.servers["redis"]
    assert (postgres.state, postgres.restarts, postgres.failed_starts) == ("up", 1, 2)
    assert postgres.last_error == "pg_ctl failed: could not start server"
    assert (redis.state, redis.restarts) == ("up", 0)


def test_the_health_file_shows_a_server_down_while_it_cannot_start(tmp_path: Path) -> None:
    broken = FlakyServer(failures=1000)
    health_path = tmp_path / "backends.json"
    watchdog = watchdog_of({"redis": broken}, health_path)

    def failed_twice() -> bool:
        if not health_path.exists():  # the watchdog writes it once it runs
            return False
        redis = json.loads(health_path.read_text())["servers"]["redis"]
        return bool(redis["state"] == "down" and redis["failed_starts"] >= 2)

    def scenario() -> None:
        broken.alive = False
        assert wait_until(failed_twice, 10.0)

    watched(watchdog, scenario)
    redis = json.loads(health_path.read_text())["servers"]["redis"]
    assert redis["down_since"] is not None and redis["restarts"] == 0
    assert redis["last_error"] == "pg_ctl failed: could not start server"


def test_a_health_file_that_cannot_be_written_does_not_stop_the_restarts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    server = FlakyServer()
    watchdog = watchdog_of({"redis": server}, tmp_path / "not-a-folder" / "backends.json")

    def scenario() -> None:
        server.alive = False
        assert wait_until(lambda: watchdog.report.servers["redis"].restarts == 1, 10.0)

    with caplog.at_level(logging.INFO, logger="bot.scaleout.backend_health"):
        watched(watchdog, scenario)
    assert "backend_health_not_written" in [vars(r).get("event") for r in caplog.records]


def test_the_watchdog_runs_beside_the_stack_and_stops_with_it(tmp_path: Path) -> None:
    server = FlakyServer()
    health_path = tmp_path / "backends.json"
    watchdog = watchdog_of({"postgres": server}, health_path)

    async def stack() -> int:
        server.alive = False
        for _ in range(200):  # at most 10 s
            if watchdog.report.servers["postgres"].restarts == 1:
                return 7
            await asyncio.sleep(0.05)
        return 1

    assert asyncio.run(watching_backends(watchdog, stack())) == 7
    assert json.loads(health_path.read_text())["watching"] is False
