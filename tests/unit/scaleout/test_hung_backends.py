"""A PostgreSQL or Redis that hangs (``kill -STOP``) is reported unresponsive, then up again.

Real servers on loopback. A stopped server's process still runs and the kernel still accepts TCP
connections into its backlog, so only a protocol probe tells; the watchdog reports it and does
not restart it. Each test sends SIGCONT in a ``finally``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.ports import free_port
from bot.scaleout.postgres import PostgresCluster
from bot.scaleout.redis import RedisServer
from bot.scaleout.watchdog import PROBE_TIMEOUT_SECONDS, BackendWatchdog, scale_backends
from tests.unit.scaleout.watchdog_helpers import FAST, wait_until, watched

CHECK_SECONDS = 0.2
PROBE_SECONDS = 0.5  # the production timeout (2 s) and threshold (3), probed more often
# Three failed probes of 2 s each, plus the checks between them, on a loaded machine.
REPORTED_SECONDS = 20.0
SLACK_SECONDS = 1.0


def hangs_and_recovers(
    watchdog: BackendWatchdog,
    name: str,
    pid: int,
    probe: Callable[[], bool],
    serves: Callable[[], bool],
) -> None:
    """Stop ``pid`` while ``watchdog`` runs: unresponsive, not restarted; resume it: up."""
    health_path = watchdog.report.path
    server = watchdog.report.servers[name]

    def scenario() -> None:
        assert probe()
        os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        assert not probe()
        assert time.monotonic() - started < PROBE_TIMEOUT_SECONDS + SLACK_SECONDS
        assert wait_until(lambda: server.state == "unresponsive", REPORTED_SECONDS)
        report = json.loads(health_path.read_text())["servers"][name]
        assert report["state"] == "unresponsive" and report["unresponsive_since"] is not None
        os.kill(pid, signal.SIGCONT)
        assert wait_until(lambda: server.state == "up", REPORTED_SECONDS)
        assert serves()

    try:
        watched(watchdog, scenario)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
    assert json.loads(health_path.read_text())["servers"][name]["state"] == "up"
    assert (server.restarts, server.down_since) == (0, None)


@pytest.mark.postgres
def test_a_stopped_postgres_is_reported_unresponsive_and_up_when_it_resumes(
    cluster: PostgresCluster, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    redis = RedisServer(free_port(), tmp_path / "redis.log")  # not started: only PostgreSQL
    watchdog = BackendWatchdog(
        scale_backends(cluster, redis)[:1], tmp_path / "backends.json",
        policy=FAST, check_interval=CHECK_SECONDS, probe_interval=PROBE_SECONDS,
    )  # fmt: skip
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])

    with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
        hangs_and_recovers(watchdog, "postgres", postmaster, cluster.responds, cluster.is_ready)

    assert int((cluster.data / "postmaster.pid").read_text().split()[0]) == postmaster
    assert [vars(r).get("event") for r in caplog.records] == [
        "backend_unresponsive", "backend_responsive",
    ]  # fmt: skip


def test_a_stopped_redis_is_reported_unresponsive_and_up_when_it_resumes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    try:
        pid = server.pid
        assert pid is not None
        cluster = PostgresCluster(tmp_path / "pg", free_port())  # not started: only Redis
        watchdog = BackendWatchdog(
            scale_backends(cluster, server)[1:], tmp_path / "backends.json",
            policy=FAST, check_interval=CHECK_SECONDS, probe_interval=PROBE_SECONDS,
        )  # fmt: skip
        with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
            hangs_and_recovers(watchdog, "redis", pid, server.responds, server.responds)
        assert server.pid == pid
    finally:
        server.stop()
    assert [vars(r).get("event") for r in caplog.records] == [
        "backend_unresponsive", "backend_responsive",
    ]  # fmt: skip
