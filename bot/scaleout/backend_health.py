"""The health of PostgreSQL and Redis under ``ally up --scale``, as the watchdog sees it.

The watchdog (bot/scaleout/watchdog.py) keeps one :class:`ServerHealth` per server and
rewrites a JSON file whenever one changes (``<var>/scale/backends.json``), for an operator or
a monitoring check: ``{"watching": true, "updated_at": ..., "servers": {"postgres": {"state":
"up", "restarts": 1, ...}, "redis": {...}}}``. A server's ``state`` is ``up``; ``down`` while
its process is dead and the watchdog restarts it; or ``unresponsive`` while its process runs but
has not answered the watchdog's probe several times in a row (hung, stopped, or stuck). It holds
server names, times, counts and the servers' own start-up errors; nothing a person wrote.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from bot.clock import utcnow

logger = logging.getLogger(__name__)
State = Literal["up", "down", "unresponsive"]
#: The report's place under ALLY_VAR_DIR.
HEALTH_FILE = Path("scale") / "backends.json"


def _now() -> str:
    return utcnow().isoformat(timespec="milliseconds")


@dataclass
class ServerHealth:
    """One server as the watchdog sees it.

    ``up``; ``down`` since ``down_since`` while the watchdog restarts it; or ``unresponsive``
    since ``unresponsive_since`` while its process runs but does not answer the probe.
    """

    state: State = "up"
    restarts: int = 0
    failed_starts: int = 0
    down_since: str | None = None
    last_restart_at: str | None = None
    last_error: str | None = None
    unresponsive_since: str | None = None


class HealthReport:
    """The servers' health, written to ``path`` (atomically) after every change."""

    def __init__(self, path: Path, names: list[str]) -> None:
        self.path = path
        self.servers = {name: ServerHealth() for name in names}
        self.watching = False

    def snapshot(self) -> dict[str, object]:
        """The report as the file holds it."""
        return {
            "watching": self.watching,
            "updated_at": _now(),
            "servers": {name: asdict(health) for name, health in self.servers.items()},
        }

    def set_watching(self, watching: bool) -> None:
        """Record whether the watchdog runs (it stops with the stack)."""
        self.watching = watching
        self.write()

    def went_down(self, name: str) -> None:
        """Record that ``name`` was found dead (also when it was unresponsive before)."""
        self.servers[name].state = "down"
        self.servers[name].down_since = _now()
        self.servers[name].unresponsive_since = None
        self.write()

    def went_unresponsive(self, name: str) -> None:
        """Record that ``name`` runs but stopped answering the watchdog's probe."""
        self.servers[name].state = "unresponsive"
        self.servers[name].unresponsive_since = _now()
        self.write()

    def responds_again(self, name: str) -> None:
        """Record that ``name``, unresponsive until now, answered the probe again."""
        self.servers[name].state = "up"
        self.servers[name].unresponsive_since = None
        self.write()

    def start_failed(self, name: str, error: str) -> None:
        """Record a restart of ``name`` that failed with ``error``."""
        self.servers[name].failed_starts += 1
        self.servers[name].last_error = error
        self.write()

    def came_back(self, name: str) -> None:
        """Record that ``name`` runs again."""
        health = self.servers[name]
        health.state = "up"
        health.restarts += 1
        health.down_since = None
        health.last_restart_at = _now()
        self.write()

    def write(self) -> None:
        """Replace the file with the current report (a reader never sees half of it).

        A report that cannot be written (disk full) is logged and skipped: the watchdog goes on
        restarting servers.
        """
        partial = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(self.snapshot(), indent=2) + "\n")
            os.replace(partial, self.path)
        except OSError as exc:
            logger.warning(
                "backend health not written: %s",
                exc.strerror,
                extra={"event": "backend_health_not_written", "path": str(self.path)},
            )


def read_report(path: Path) -> dict[str, Any] | None:
    """The report in ``path``; None when there is none (no scale-out) or it cannot be read."""
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None
