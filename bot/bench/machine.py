"""What the benchmark ran on, and how much memory each service process holds (from /proc)."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

PROC = Path("/proc")


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def cpu_model(cpuinfo: str | None = None) -> str:
    """Return the CPU model name from /proc/cpuinfo (or the platform's guess)."""
    text = _read(PROC / "cpuinfo") if cpuinfo is None else cpuinfo
    for line in text.splitlines():
        if line.lower().startswith("model name") and ":" in line:
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def total_ram_bytes(meminfo: str | None = None) -> int | None:
    """Return MemTotal from /proc/meminfo in bytes."""
    text = _read(PROC / "meminfo") if meminfo is None else meminfo
    for line in text.splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def describe_machine() -> dict[str, Any]:
    """Return cores, RAM, CPU model, load average (now) and OS of this machine."""
    load = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "ram_bytes": total_ram_bytes(),
        "cpu_model": cpu_model(),
        "load_average": [round(value, 2) for value in load],
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def rss_bytes(pid: int, status: str | None = None) -> int | None:
    """Return the resident set size of a process (VmRSS), or None if it is gone."""
    text = _read(PROC / str(pid) / "status") if status is None else status
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def cpu_seconds(pid: int, stat: str | None = None) -> float | None:
    """Return the CPU time (user + system) a process has used, or None if it is gone."""
    text = _read(PROC / str(pid) / "stat") if stat is None else stat
    if not text:
        return None
    fields = text.rsplit(")", 1)[-1].split()  # after "pid (comm)": state is fields[0]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """Return the direct children of a process (every thread's ``children`` list)."""
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        found.extend(int(p) for p in _read(task / "children").split())
    return found


def command_line(pid: int) -> list[str]:
    """Return a process's argv."""
    return [part for part in _read(PROC / str(pid) / "cmdline").split("\0") if part]


def service_name(argv: list[str]) -> str | None:
    """Return which of the stack's services a command line runs (see bot/stack.py)."""
    if "bot.web" in argv:
        return "web"
    if "bot.nlu.rasa_server" in argv:
        return "rasa"
    if "actions" in argv[1:4]:
        return "actions"
    if len(argv) > 2 and argv[1].endswith("rasa") and argv[2] == "run":
        return "rasa"
    return None


def service_pids(supervisor_pid: int) -> dict[str, int]:
    """Find the ``ally up`` supervisor's services among its children by their command lines."""
    found: dict[str, int] = {}
    for pid in children(supervisor_pid):
        name = service_name(command_line(pid))
        if name is not None:
            found[name] = pid
    return found
