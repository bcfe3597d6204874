"""Child processes of the topology."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from pathlib import Path


def die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies, so no orphan keeps a port."""
    with contextlib.suppress(Exception):  # Linux only; elsewhere the child simply outlives us
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def process_runs(pid: int) -> bool:
    """True while process ``pid`` exists and has not exited (Linux: ``/proc``).

    A process that exited but was not reaped yet (a zombie) still holds its pid, so
    ``kill(pid, 0)``, and PostgreSQL's own lock-file check, would call it alive. A zombie that
    is our own child is reaped here: when ``ally up`` is PID 1 in a container, the daemonised
    PostgreSQL server is reparented to it, and nothing else would ever reap it.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    if stat.rpartition(")")[2].split()[0] not in ("Z", "X"):
        return True
    with contextlib.suppress(ChildProcessError):  # not our child: its parent reaps it
        os.waitpid(pid, os.WNOHANG)
    return False


def wait_reaped(pid: int, seconds: float) -> None:
    """Wait at most ``seconds`` while process ``pid`` has exited but is not reaped yet."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not process_runs(pid) and is_listed(pid):
        time.sleep(0.05)


def is_listed(pid: int) -> bool:
    """True while ``pid`` is in the process table, running or not yet reaped."""
    return Path(f"/proc/{pid}").exists()
