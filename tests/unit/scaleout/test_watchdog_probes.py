"""The watchdog's probes: a live server that stops answering is reported, never restarted.

Stand-in servers (tests/unit/scaleout/watchdog_helpers.py); test_hung_backends.py stops real ones
with SIGSTOP.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.scaleout.backend_health import HealthReport
from bot.scaleout.watchdog import BackendWatchdog, WatchedServer
from tests.unit.scaleout.watchdog_helpers import FAST, FlakyServer, wait_until, watched

CHECK_SECONDS = 0.02
PROBE_SECONDS = 0.05
UNRESPONSIVE_AFTER = 3


def probed_watchdog(server: FlakyServer, health_path: Path) -> BackendWatchdog:
    redis = WatchedServer("redis", server.is_alive, server.start, server.responds)
    return BackendWatchdog(
        [redis], health_path, policy=FAST, check_interval=CHECK_SECONDS,
        probe_interval=PROBE_SECONDS, unresponsive_after=UNRESPONSIVE_AFTER,
    )  # fmt: skip


def events(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [vars(record).get("event", "") for record in caplog.records]


def test_n_failed_probes_in_a_row_make_a_live_server_unresponsive_and_it_is_not_restarted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = FlakyServer()
    health_path = tmp_path / "backends.json"
    watchdog = probed_watchdog(server, health_path)
    redis = watchdog.report.servers["redis"]

    def scenario() -> None:
        # One failure fewer than the threshold, then answers: still up, nothing logged.
        server.silent_probes = UNRESPONSIVE_AFTER - 1
        probes = server.probes
        assert wait_until(lambda: server.probes >= probes + UNRESPONSIVE_AFTER + 2, 10.0)
        assert redis.state == "up" and events(caplog) == []
        server.answers = False
        assert wait_until(lambda: redis.state == "unresponsive", 10.0)
        probes = server.probes
        assert wait_until(lambda: server.probes >= probes + 3, 10.0)  # still probed, no restart
        report = json.loads(health_path.read_text())["servers"]["redis"]
        assert report["state"] == "unresponsive" and report["unresponsive_since"] is not None

    with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
        watched(watchdog, scenario)

    assert events(caplog) == ["backend_unresponsive"]
    record = vars(caplog.records[0])
    assert (record["backend"], record["failed_probes"]) == ("redis", UNRESPONSIVE_AFTER)
    assert record["silent_seconds"] >= 0
    assert (redis.restarts, redis.failed_starts, redis.down_since) == (0, 0, None)
    assert server.alive  # never killed


def test_an_unresponsive_server_that_answers_again_is_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = FlakyServer()
    health_path = tmp_path / "backends.json"
    watchdog = probed_watchdog(server, health_path)
    redis = watchdog.report.servers["redis"]

    def scenario() -> None:
        server.answers = False
        assert wait_until(lambda: redis.state == "unresponsive", 10.0)
        server.answers = True
        assert wait_until(lambda: redis.state == "up", 10.0)
        report = json.loads(health_path.read_text())["servers"]["redis"]
        assert report["state"] == "up" and report["unresponsive_since"] is None

    with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
        watched(watchdog, scenario)

    assert events(caplog) == ["backend_unresponsive", "backend_responsive"]
    answered = vars(caplog.records[1])
    assert answered["backend"] == "redis" and answered["failed_probes"] >= UNRESPONSIVE_AFTER
    assert answered["silent_seconds"] >= vars(caplog.records[0])["silent_seconds"]
    assert redis.restarts == 0


def test_a_dead_process_is_restarted_also_when_it_was_unresponsive(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = FlakyServer()
    watchdog = probed_watchdog(server, tmp_path / "backends.json")
    redis = watchdog.report.servers["redis"]

    def scenario() -> None:
        server.answers = False
        assert wait_until(lambda: redis.state == "unresponsive", 10.0)
        server.alive = False
        assert wait_until(lambda: redis.restarts == 1, 10.0)

    with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
        watched(watchdog, scenario)

    assert events(caplog) == ["backend_unresponsive", "backend_down", "backend_restarted"]
    assert (redis.state, redis.unresponsive_since, redis.down_since) == ("up", None, None)


def test_a_server_that_dies_while_probed_is_restarted_not_reported_unresponsive(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = FlakyServer()
    redis = WatchedServer("redis", server.is_alive, server.start, lambda: dies(server))
    watchdog = BackendWatchdog(
        [redis], tmp_path / "backends.json", policy=FAST, check_interval=CHECK_SECONDS,
        probe_interval=PROBE_SECONDS, unresponsive_after=1,
    )  # fmt: skip

    def scenario() -> None:
        assert wait_until(lambda: watchdog.report.servers["redis"].restarts >= 1, 10.0)

    with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
        watched(watchdog, scenario)

    assert "backend_unresponsive" not in events(caplog)
    assert events(caplog)[:2] == ["backend_down", "backend_restarted"]


def dies(server: FlakyServer) -> bool:
    """A probe that finds the process gone: it died while it was probed."""
    server.alive = False
    return False


def test_a_dead_server_stops_being_unresponsive_in_the_report(tmp_path: Path) -> None:
    report = HealthReport(tmp_path / "backends.json", ["postgres"])
    report.went_unresponsive("postgres")
    assert report.servers["postgres"].state == "unresponsive"
    report.went_down("postgres")
    written = json.loads(report.path.read_text())["servers"]["postgres"]
    assert written["state"] == "down" and written["unresponsive_since"] is None
    assert written["down_since"] is not None
