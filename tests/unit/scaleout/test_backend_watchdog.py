"""The watchdog of ``ally up --scale`` brings a killed PostgreSQL or Redis back by itself.

Real servers on loopback get ``kill -9``; nothing else restarts them.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.ports import free_port
from bot.scaleout.postgres import PostgresCluster
from bot.scaleout.processes import is_listed, process_runs
from bot.scaleout.redis import RedisServer, ping
from bot.scaleout.watchdog import BackendWatchdog, WatchedServer, scale_backends
from tests.unit.scaleout.watchdog_helpers import FAST, wait_until, watched

CHECK_SECONDS = 0.2
COMEBACK_SECONDS = 30.0  # a loaded machine; a server back in time returns at once
# Looks like something a person wrote: it must reach neither the logs nor the health file.
PERSON_TEXT = "i have been feeling low all week"


def comes_back(watchdog: BackendWatchdog, name: str, serves: Callable[[], bool]) -> bool:
    """True once the watchdog restarted ``name`` and it serves, within the bound."""
    restarted = watchdog.report.servers[name]
    return wait_until(lambda: restarted.restarts == 1 and serves(), COMEBACK_SECONDS)


@pytest.mark.postgres
def test_a_killed_postgres_comes_back_with_its_data(
    cluster: PostgresCluster, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = sa.create_engine(cluster.url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE kept (id integer PRIMARY KEY, body text)"))
        connection.execute(sa.text("INSERT INTO kept VALUES (1, :body)"), {"body": PERSON_TEXT})
    engine.dispose()
    redis = RedisServer(free_port(), tmp_path / "redis.log")  # not started: only PostgreSQL
    watchdog = BackendWatchdog(
        scale_backends(cluster, redis)[:1], tmp_path / "backends.json",
        policy=FAST, check_interval=CHECK_SECONDS,
    )  # fmt: skip
    killed = int((cluster.data / "postmaster.pid").read_text().split()[0])

    def scenario() -> None:
        os.kill(killed, signal.SIGKILL)
        assert comes_back(watchdog, "postgres", cluster.is_ready), cluster.log_path.read_text()

    with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
        watched(watchdog, scenario)

    assert int((cluster.data / "postmaster.pid").read_text().split()[0]) != killed
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT id, body FROM kept")).all() == [(1, PERSON_TEXT)]
    engine.dispose()
    # A start may fail while the killed server's children still hold its shared memory.
    events = [getattr(record, "event", None) for record in caplog.records]
    assert events[0] == "backend_down" and events[-1] == "backend_restarted"
    assert set(events[1:-1]) <= {"backend_restart_failed"}
    assert all(getattr(record, "backend", None) == "postgres" for record in caplog.records)
    report = json.loads((tmp_path / "backends.json").read_text())
    assert report["servers"]["postgres"]["state"] == "up"
    assert report["servers"]["postgres"]["restarts"] == 1
    assert PERSON_TEXT not in caplog.text + json.dumps(report)


def test_a_killed_redis_comes_back(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    health_path = tmp_path / "backends.json"
    redis = WatchedServer("redis", server.is_alive, server.start, server.responds)
    watchdog = BackendWatchdog([redis], health_path, policy=FAST, check_interval=CHECK_SECONDS)
    killed = server.pid
    assert killed is not None

    def scenario() -> None:
        os.kill(killed, signal.SIGKILL)
        assert comes_back(watchdog, "redis", lambda: ping(server.port))
        assert server.pid not in (None, killed)
        assert json.loads(health_path.read_text())["watching"] is True

    try:
        with caplog.at_level(logging.INFO, logger="bot.scaleout.watchdog"):
            watched(watchdog, scenario)
    finally:
        server.stop()
    assert [getattr(r, "event", None) for r in caplog.records] == [
        "backend_down", "backend_restarted",
    ]  # fmt: skip
    assert json.loads(health_path.read_text())["watching"] is False


def test_a_zombie_does_not_count_as_running_and_our_own_is_reaped() -> None:
    assert process_runs(os.getpid())
    child = subprocess.Popen(["true"])
    assert wait_until(lambda: not process_runs(child.pid), 5.0)
    assert not is_listed(child.pid)  # reaped by process_runs, not by Popen
    child.wait(timeout=5)
