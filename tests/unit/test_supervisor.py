"""The supervisor restarts a crashed service with backoff, and gives up after too many crashes.

Small real processes stand in for the services. The tests are synchronous (``asyncio.run``)
because tests/unit also runs in the Rasa environment, which has no asyncio pytest plugin.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot.stack import ServiceSpec
from bot.supervisor import LivenessPolicy, RestartPolicy, Supervisor, run_stack

FAST = RestartPolicy(max_restarts=2, window_seconds=60, base_delay=0.1, max_delay=0.4)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service(
    name: str, *, crash_after: float | None = None, crash_once: Path | None = None
) -> ServiceSpec:
    """An HTTP server; it exits with code 3 ``crash_after`` s after its health URL first answered
    (only on its first run if ``crash_once`` names a marker file that does not exist yet).

    Counting from the first health check, not from the start, keeps the tests independent of how
    fast a loaded machine starts Python: the supervisor always sees the service healthy first.
    """
    port = free_port()
    crash = "False"
    if crash_after:
        crash = "True"
        if crash_once is not None:
            crash = f"not os.path.exists({str(crash_once)!r})"
    code = (
        "import http.server, threading, os, time\n"
        f"crash = {crash}\n"
        f"marker = {str(crash_once) if crash_once else ''!r}\n"
        "armed = threading.Event()\n"
        "def die():\n"
        f"    time.sleep({crash_after or 0})\n"
        "    os._exit(3)\n"
        "class Handler(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\n"
        "        if crash and not armed.is_set():\n"
        "            armed.set()\n"
        "            if marker: open(marker, 'w').close()\n"
        "            threading.Thread(target=die, daemon=True).start()\n"
        "    def log_message(self, *args):\n"
        "        pass\n"
        f"srv = http.server.HTTPServer(('127.0.0.1', {port}), Handler)\n"
        "threading.Thread(target=srv.serve_forever, daemon=True).start()\n"
        f"print('{name} up', flush=True)\n"
        "time.sleep(3600)\n"
    )
    return ServiceSpec(
        name=name,
        argv=[sys.executable, "-c", code],
        health_url=f"http://127.0.0.1:{port}/",
        env={},
        startup_timeout=20,
    )


async def wait_for_text(out: io.StringIO, text: str, count: int = 1, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while out.getvalue().count(text) < count:
        assert asyncio.get_running_loop().time() < deadline, out.getvalue()
        await asyncio.sleep(0.05)


@pytest.mark.parametrize(
    ("crashes", "delay"), [(1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 30.0), (20, 30.0)]
)
def test_backoff_doubles_up_to_a_ceiling(crashes: int, delay: float) -> None:
    assert RestartPolicy(base_delay=1, max_delay=30).delay(crashes) == delay


def test_a_crashed_service_is_restarted_while_the_others_keep_running(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, str]:
        specs = [service("steady"), service("flaky", crash_after=0.5, crash_once=tmp_path / "m")]
        out = io.StringIO()
        supervisor = Supervisor(
            specs, cwd=tmp_path, log_dir=tmp_path / "log", out=out, restart=FAST
        )
        ready = asyncio.Event()
        task = asyncio.ensure_future(run_stack(supervisor, on_ready=ready.set, err=io.StringIO()))
        await asyncio.wait_for(ready.wait(), 30)
        steady = supervisor._procs["steady"]
        await wait_for_text(out, "flaky is healthy again")
        assert supervisor._procs["steady"] is steady and steady.returncode is None
        assert supervisor._procs["flaky"].returncode is None
        supervisor.request_stop()
        code = await asyncio.wait_for(task, 30)
        assert all(proc.returncode is not None for proc in supervisor._procs.values())
        return code, out.getvalue()

    code, out = asyncio.run(scenario())
    assert code == 0
    assert "flaky exited with code 3; restarting in 0.1 s (restart 1 of at most 2 in 60 s)" in out
    assert (tmp_path / "log" / "flaky.log").read_text().count("flaky up") == 2


def test_repeated_crashes_give_up_and_stop_everything(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, str, Supervisor]:
        specs = [service("steady"), service("flaky", crash_after=0.3)]
        err = io.StringIO()
        supervisor = Supervisor(
            specs, cwd=tmp_path, log_dir=tmp_path / "log", out=io.StringIO(), restart=FAST
        )
        code = await asyncio.wait_for(run_stack(supervisor, on_ready=lambda: None, err=err), 60)
        return code, err.getvalue(), supervisor

    code, err, supervisor = asyncio.run(scenario())
    assert code == 1
    assert "flaky exited with code 3; gave up after 2 restarts in 60 s" in err
    assert "flaky up" in err, "the log tail is shown"
    assert supervisor._procs["steady"].returncode is not None


def test_crashes_older_than_the_window_are_forgotten(tmp_path: Path) -> None:
    # Each crash is alone in a 0.2 s window, so a budget of one restart never runs out.
    policy = RestartPolicy(max_restarts=1, window_seconds=0.2, base_delay=0.1, max_delay=0.1)

    async def scenario() -> tuple[int, str]:
        out = io.StringIO()
        supervisor = Supervisor(
            [service("flaky", crash_after=0.4)],
            cwd=tmp_path, log_dir=tmp_path / "log", out=out, restart=policy,
        )  # fmt: skip
        task = asyncio.ensure_future(
            run_stack(supervisor, on_ready=lambda: None, err=io.StringIO())
        )
        await wait_for_text(out, "restart 1 of at most 1", count=3)
        supervisor.request_stop()
        return await asyncio.wait_for(task, 30), out.getvalue()

    code, out = asyncio.run(scenario())
    assert code == 0
    assert "gave up" not in out


def test_a_restart_that_never_gets_healthy_counts_as_another_crash(tmp_path: Path) -> None:
    marker = tmp_path / "first-run-done"
    healthy_once = service("once")
    # First run: healthy, then exits. Later runs: exit at once, before serving.
    code = (
        "import os, sys\n"
        f"if os.path.exists({str(marker)!r}): sys.exit(4)\n"
        f"open({str(marker)!r}, 'w').close()\n"
        + healthy_once.argv[-1].replace("time.sleep(3600)", "time.sleep(0.5); os._exit(3)")
    )
    spec = ServiceSpec(
        name="once", argv=[sys.executable, "-c", code], health_url=healthy_once.health_url,
        env={}, startup_timeout=20,
    )  # fmt: skip

    async def scenario() -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        supervisor = Supervisor(
            [spec], cwd=tmp_path, log_dir=tmp_path / "log", out=out, restart=FAST
        )
        code = await asyncio.wait_for(run_stack(supervisor, on_ready=lambda: None, err=err), 60)
        return code, out.getvalue(), err.getvalue()

    exit_code, out, err = asyncio.run(scenario())
    assert exit_code == 1
    assert "once exited with code 3; restarting" in out
    assert "once exited with code 4; restarting" in out
    assert "once exited with code 4; gave up after 2 restarts" in err


def test_a_hung_service_is_killed_and_restarted(tmp_path: Path) -> None:
    # SIGSTOP leaves the process running (its port still accepts connections) but silent: the
    # way a deadlock or a blocked event loop looks from outside.
    quick = LivenessPolicy(interval_seconds=0.2, timeout_seconds=0.3, failures=2)

    async def scenario() -> tuple[int, str]:
        out = io.StringIO()
        supervisor = Supervisor(
            [service("steady"), service("stuck")],
            cwd=tmp_path, log_dir=tmp_path / "log", out=out, restart=FAST, liveness=quick,
        )  # fmt: skip
        ready = asyncio.Event()
        task = asyncio.ensure_future(run_stack(supervisor, on_ready=ready.set, err=io.StringIO()))
        await asyncio.wait_for(ready.wait(), 30)
        steady, stuck = supervisor._procs["steady"], supervisor._procs["stuck"]
        await asyncio.sleep(1.0)  # answering checks: nothing happens
        assert "restarting" not in out.getvalue()
        os.kill(stuck.pid, signal.SIGSTOP)
        await wait_for_text(out, "stuck is healthy again")
        assert supervisor._procs["steady"] is steady and steady.returncode is None
        assert supervisor._procs["stuck"] is not stuck and stuck.returncode == -signal.SIGKILL
        supervisor.request_stop()
        return await asyncio.wait_for(task, 30), out.getvalue()

    code, out = asyncio.run(scenario())
    assert code == 0
    assert (
        "stuck did not answer 2 health checks in a row (0.3 s each) and was killed; "
        "restarting in 0.1 s" in out
    )
    assert "steady did not answer" not in out
