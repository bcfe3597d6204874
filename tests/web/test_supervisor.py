"""The supervisor with small real processes standing in for the three services."""

from __future__ import annotations

import asyncio
import io
import socket
import sys
from pathlib import Path

from bot.stack import ServiceSpec
from bot.supervisor import RestartPolicy, Supervisor, run_stack


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_service(name: str, port: int, *, die_after: float | None = None) -> ServiceSpec:
    code = (
        "import http.server, threading, os, time\n"
        "handler = http.server.SimpleHTTPRequestHandler\n"
        f"srv = http.server.HTTPServer(('127.0.0.1', {port}), handler)\n"
        "threading.Thread(target=srv.serve_forever, daemon=True).start()\n"
        f"print('{name} up', flush=True)\n"
        + (f"time.sleep({die_after}); os._exit(3)\n" if die_after else "time.sleep(3600)\n")
    )
    return ServiceSpec(
        name=name,
        argv=[sys.executable, "-c", code],
        health_url=f"http://127.0.0.1:{port}/",
        env={},
        startup_timeout=20,
    )


async def test_starts_in_order_and_stops_on_request(tmp_path: Path) -> None:
    specs = [http_service("one", free_port()), http_service("two", free_port())]
    out = io.StringIO()
    supervisor = Supervisor(specs, cwd=tmp_path, log_dir=tmp_path / "log", out=out)
    ready = asyncio.Event()
    task = asyncio.ensure_future(run_stack(supervisor, on_ready=ready.set, err=io.StringIO()))
    await asyncio.wait_for(ready.wait(), 30)
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["starting one ...", "starting two ..."]
    assert lines[2].startswith("  one is healthy") and lines[3].startswith("  two is healthy")
    supervisor.request_stop()
    assert await asyncio.wait_for(task, 30) == 0
    assert all(proc.returncode is not None for proc in supervisor._procs.values())


def slow_http_service(name: str, port: int, *, delay: float) -> ServiceSpec:
    spec = http_service(name, port)
    code = f"import time; time.sleep({delay})\n" + spec.argv[-1]
    return ServiceSpec(
        name=name, argv=[sys.executable, "-c", code], health_url=spec.health_url, env={}
    )


async def test_a_service_waited_for_after_a_slow_one_still_gets_checked(tmp_path: Path) -> None:
    # "quick" has a 1 s budget but is only checked once "slow" is healthy, 3 s after launch.
    quick = http_service("quick", free_port())
    quick = ServiceSpec(
        name="quick", argv=quick.argv, health_url=quick.health_url, env={}, startup_timeout=1
    )
    specs = [slow_http_service("slow", free_port(), delay=3), quick]
    supervisor = Supervisor(specs, cwd=tmp_path, log_dir=tmp_path / "log", out=io.StringIO())
    ready = asyncio.Event()
    task = asyncio.ensure_future(run_stack(supervisor, on_ready=ready.set, err=io.StringIO()))
    await asyncio.wait_for(ready.wait(), 30)
    supervisor.request_stop()
    assert await asyncio.wait_for(task, 30) == 0


async def test_a_service_that_keeps_dying_stops_the_rest_and_shows_its_log(
    tmp_path: Path,
) -> None:
    # Restarts themselves are tested in tests/unit/test_supervisor.py.
    specs = [http_service("steady", free_port()), http_service("flaky", free_port(), die_after=1)]
    err = io.StringIO()
    policy = RestartPolicy(max_restarts=1, base_delay=0.1)
    supervisor = Supervisor(
        specs, cwd=tmp_path, log_dir=tmp_path / "log", out=io.StringIO(), restart=policy
    )
    code = await asyncio.wait_for(run_stack(supervisor, on_ready=lambda: None, err=err), 60)
    assert code == 1
    assert "flaky exited with code 3; gave up after 1 restarts" in err.getvalue()
    assert "flaky up" in err.getvalue(), "the log tail is shown"
    assert supervisor._procs["steady"].returncode is not None


async def test_a_service_that_never_gets_healthy_fails_fast(tmp_path: Path) -> None:
    spec = ServiceSpec(
        name="broken",
        argv=[sys.executable, "-c", "print('boom'); raise SystemExit(5)"],
        health_url=f"http://127.0.0.1:{free_port()}/",
        env={},
        startup_timeout=20,
    )
    err = io.StringIO()
    supervisor = Supervisor([spec], cwd=tmp_path, log_dir=tmp_path / "log", out=io.StringIO())
    assert await run_stack(supervisor, on_ready=lambda: None, err=err) == 1
    assert "broken exited with code 5" in err.getvalue() and "boom" in err.getvalue()
