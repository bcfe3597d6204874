"""Starts the stack's processes in order, waits for each to be healthy, and stops them cleanly.

A service that dies while the stack runs is restarted on its own, after a backoff that doubles
with each recent crash, while the others keep serving. A service that still runs but no longer
answers its health check (a deadlock, a blocked event loop, a stopped process) is killed after
a few checks in a row without an answer (see :class:`LivenessPolicy`) and restarted the same
way. After too many crashes in a short window
(see :class:`RestartPolicy`) the supervisor gives up: it stops the others, prints that
service's log tail and exits non-zero. A service that fails during start-up fails the start at
once. Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import aiohttp

from bot.stack import ServiceSpec

LOG_TAIL_LINES = 25
STOP_GRACE_SECONDS = 10.0


# How long a service whose own budget ran out while it waited its turn may still take.
LATE_CHECK_SECONDS = 10.0
STARTUP_CHECK_SECONDS = 2.0  # one health check while a service starts


@dataclass(frozen=True)
class RestartPolicy:
    """When a crashed service is restarted, and when the supervisor gives up on it.

    The n-th crash within ``window_seconds`` waits ``base_delay * 2 ** (n - 1)`` seconds (at
    most ``max_delay``) before the restart; crash number ``max_restarts + 1`` in the window
    gives up.
    """

    max_restarts: int = 5
    window_seconds: float = 300.0
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, recent_crashes: int) -> float:
        """Seconds to wait before restarting after the ``recent_crashes``-th crash (1-based)."""
        return float(min(self.base_delay * 2 ** max(recent_crashes - 1, 0), self.max_delay))

    def with_crash(self, crashes: list[float], now: float) -> list[float]:
        """The crash times of ``crashes`` still inside the window, and a new one at ``now``."""
        return [t for t in crashes if now - t < self.window_seconds] + [now]


@dataclass(frozen=True)
class LivenessPolicy:
    """How a running service is checked: its health URL every ``interval_seconds``.

    A check fails when no 200 answer comes within ``timeout_seconds``; ``failures`` failed
    checks in a row mean the service hangs, and it is killed and restarted. The defaults give a
    busy Rasa (its health answer waits behind the turns on its event loop, about 2 s at 50
    people with no pause) a wide margin: a service is killed after about 50 s without answering.
    """

    interval_seconds: float = 10.0
    timeout_seconds: float = 10.0
    failures: int = 3


class ServiceFailedError(Exception):
    """A service exited or did not become healthy."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} {reason}")
        self.service = service


def _die_with_parent() -> None:
    # Linux: the child gets SIGTERM if the supervisor itself is killed, so no orphan keeps a port.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines of a log file."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


async def answers(http: aiohttp.ClientSession, url: str, timeout: float) -> bool:
    """Return True when ``url`` answers 200 within ``timeout`` seconds."""
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            return resp.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


class Supervisor:
    """Runs a list of services from ``cwd``, logging each to ``log_dir/<name>.log``."""

    def __init__(
        self,
        specs: list[ServiceSpec],
        *,
        cwd: Path,
        log_dir: Path,
        out: TextIO,
        restart: RestartPolicy | None = None,
        liveness: LivenessPolicy | None = None,
    ) -> None:
        self._specs = specs
        self._cwd = cwd
        self._log_dir = log_dir
        self._out = out
        self._restart = restart or RestartPolicy()
        self._liveness = liveness or LivenessPolicy()
        self._procs: dict[str, asyncio.subprocess.Process] = {}
        self._crashes: dict[str, list[float]] = {spec.name: [] for spec in specs}
        self._stopping = asyncio.Event()

    def log_path(self, name: str) -> Path:
        """Return where a service's output goes."""
        return self._log_dir / f"{name}.log"

    async def start(self) -> None:
        """Launch the services in order, then wait until each is healthy, in the same order.

        Launching does not wait for the previous service: the web app and the action server
        are ready long before Rasa has loaded its model, so overlapping their start-up saves
        their start time without anything serving before what it depends on is healthy.
        """
        self._log_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        for spec in self._specs:
            print(f"starting {spec.name} ...", file=self._out, flush=True)
            await self._launch(spec)
        async with aiohttp.ClientSession() as http:
            for spec in self._specs:
                await self._wait_healthy(http, spec, started)
                elapsed = time.monotonic() - started
                print(f"  {spec.name} is healthy ({elapsed:.1f} s)", file=self._out, flush=True)

    async def _launch(self, spec: ServiceSpec) -> None:
        with self.log_path(spec.name).open("ab") as log:
            self._procs[spec.name] = await asyncio.create_subprocess_exec(
                *spec.argv,
                cwd=self._cwd,
                env=spec.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
                start_new_session=True,
            )

    async def _wait_healthy(
        self,
        http: aiohttp.ClientSession,
        spec: ServiceSpec,
        started: float,
        *,
        watch_all: bool = True,
    ) -> None:
        # Each service's budget counts from the common launch, but a service only waited for
        # after a slow predecessor (the web app after Rasa) still gets a fair last chance.
        deadline = max(started + spec.startup_timeout, time.monotonic() + LATE_CHECK_SECONDS)
        proc = self._procs[spec.name]
        watched = self._procs if watch_all else {spec.name: proc}
        while time.monotonic() < deadline:
            for name, other in watched.items():  # during start-up, any service dying fails it
                if other.returncode is not None:
                    raise ServiceFailedError(name, f"exited with code {other.returncode}")
            if await answers(http, spec.health_url, STARTUP_CHECK_SECONDS):
                return
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(proc.wait(), timeout=0.5)
        raise ServiceFailedError(spec.name, f"was not healthy after {spec.startup_timeout:.0f} s")

    async def watch(self) -> None:
        """Restart crashed services until asked to stop; raise ServiceFailedError on giving up."""
        stop = asyncio.ensure_future(self.stop_requested())
        keepers = [asyncio.ensure_future(self._keep_running(spec)) for spec in self._specs]
        try:
            done, _ = await asyncio.wait([stop, *keepers], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in [stop, *keepers]:
                task.cancel()
            await asyncio.gather(stop, *keepers, return_exceptions=True)
        for task in done:
            if task is not stop:
                task.result()  # a keeper only ends by raising ServiceFailedError

    async def _keep_running(self, spec: ServiceSpec) -> None:
        """Restart one service whenever it exits or hangs; raise when crashes pile up."""
        while True:
            reason = await self._until_exit_or_hang(spec)
            if self._stopping.is_set():
                return  # shutting down: nothing to restart
            await self._restart_after_crash(spec, reason)

    async def _until_exit_or_hang(self, spec: ServiceSpec) -> str:
        """Check the running service's health until it exits or hangs; return why it stopped.

        A hung service is killed (SIGKILL: a hung process may not handle SIGTERM).
        """
        proc, policy = self._procs[spec.name], self._liveness
        failed = 0
        async with aiohttp.ClientSession() as http:
            while True:
                with contextlib.suppress(asyncio.TimeoutError):
                    code = await asyncio.wait_for(proc.wait(), timeout=policy.interval_seconds)
                    return f"exited with code {code}"
                if self._stopping.is_set():
                    return "was stopped"
                healthy = await answers(http, spec.health_url, policy.timeout_seconds)
                failed = 0 if healthy else failed + 1
                if failed < policy.failures:
                    continue
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
                return (
                    f"did not answer {failed} health checks in a row "
                    f"({policy.timeout_seconds:g} s each) and was killed"
                )

    async def _restart_after_crash(self, spec: ServiceSpec, reason: str) -> None:
        while True:
            window = self._restart.window_seconds
            crashes = self._restart.with_crash(self._crashes[spec.name], time.monotonic())
            self._crashes[spec.name] = crashes
            if len(crashes) > self._restart.max_restarts:
                raise ServiceFailedError(
                    spec.name,
                    f"{reason}; gave up after {len(crashes) - 1} restarts in {window:.0f} s",
                )
            delay = self._restart.delay(len(crashes))
            print(
                f"{spec.name} {reason}; restarting in {delay:g} s "
                f"(restart {len(crashes)} of at most {self._restart.max_restarts} "
                f"in {window:.0f} s)",
                file=self._out,
                flush=True,
            )
            await asyncio.sleep(delay)
            await self._launch(spec)
            started = time.monotonic()
            try:
                async with aiohttp.ClientSession() as http:
                    await self._wait_healthy(http, spec, started, watch_all=False)
            except ServiceFailedError as exc:
                await self._terminate(self._procs[spec.name])
                reason = str(exc).removeprefix(f"{spec.name} ")
                continue
            elapsed = time.monotonic() - started
            print(f"  {spec.name} is healthy again ({elapsed:.1f} s)", file=self._out, flush=True)
            return

    async def stop_requested(self) -> None:
        """Return once a stop has been requested."""
        await self._stopping.wait()

    def request_stop(self) -> None:
        """Ask :meth:`watch` to return (signal handlers call this)."""
        self._stopping.set()

    async def stop(self) -> None:
        """Stop every running service, newest first: SIGTERM, then SIGKILL after a grace."""
        for name in reversed(list(self._procs)):
            await self._terminate(self._procs[name])

    @staticmethod
    async def _terminate(proc: asyncio.subprocess.Process) -> None:
        if proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=STOP_GRACE_SECONDS)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()


async def run_stack(
    supervisor: Supervisor, *, on_ready: Callable[[], None], err: TextIO = sys.stderr
) -> int:
    """Start, watch and stop a stack; return the process exit code."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, supervisor.request_stop)
    try:
        start = asyncio.ensure_future(supervisor.start())
        stop_wait = asyncio.ensure_future(supervisor.stop_requested())
        done, _ = await asyncio.wait([start, stop_wait], return_when=asyncio.FIRST_COMPLETED)
        if start in done:
            stop_wait.cancel()
            start.result()
            on_ready()
            await supervisor.watch()
        else:
            start.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await start
        return 0
    except ServiceFailedError as exc:
        print(f"error: {exc}. Last lines of its log:", file=err)
        print(log_tail(supervisor.log_path(exc.service)), file=err)
        return 1
    finally:
        await supervisor.stop()
