"""The scale-out topology under ``ally bench --scale N``: PostgreSQL, Redis, N Rasa replicas.

Started through :class:`bot.scaleout.topology.ScaleTopology` (what ``ally up --scale N`` runs)
on free ports in a throwaway var directory, with the same interface as
:class:`bot.bench.ally.AllyStack`, so the same load, supporter and figures apply.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from bot.bench.ally import create_supporter, free_port
from bot.bench.machine import cpu_seconds, rss_bytes
from bot.config import Settings


class ScaledAllyStack:
    """``ally up --scale N`` on free ports in a temporary var directory."""

    def __init__(self, project_dir: Path, model_dir: Path, replicas: int) -> None:
        from bot.scaleout.topology import ScaleTopology

        # PostgreSQL runs as its own user when we are root: it must reach its data folder.
        self.var_dir = Path(tempfile.mkdtemp(prefix="ally-scale-bench-"))
        self.var_dir.chmod(0o755)
        self.replicas = replicas
        env = dict(
            os.environ,
            ALLY_ENV="test",
            ALLY_PROJECT_DIR=str(project_dir),
            ALLY_VAR_DIR=str(self.var_dir),
            ALLY_DATABASE_URL=f"sqlite:///{self.var_dir / 'unused.db'}",
            ALLY_WEB_PORT=str(free_port()),
            ALLY_RASA_PORT=str(free_port()),
            ALLY_ACTIONS_PORT=str(free_port()),
            ALLY_MODEL_DIR=str(model_dir),
        )
        self.topology = ScaleTopology(
            Settings.from_env(env),
            replicas,
            rasa_ports=[free_port() for _ in range(replicas)],
            actions_ports=[free_port() for _ in range(replicas)],
        )
        self.password = secrets.token_urlsafe(18)
        self.ready_seconds = 0.0

    @property
    def url(self) -> str:
        """The web app's base URL."""
        return self.topology.web_url

    def start(self) -> None:
        """Start PostgreSQL, Redis and every service; create the supporter."""
        started = time.monotonic()
        self.topology.start_all()
        self.ready_seconds = time.monotonic() - started
        create_supporter(self.topology.database_url, self.password)

    def rss(self) -> dict[str, int | None]:
        """RSS by service; ``rasa`` is the sum over the replicas (what the moodbot compares to)."""
        found: dict[str, int | None] = {}
        for name in self.topology.service_names:
            try:
                found[name] = rss_bytes(self.topology.pid(name))
            except KeyError:
                found[name] = None
        replicas = [v for k, v in found.items() if k.startswith("rasa-") and v is not None]
        found["rasa"] = sum(replicas) if replicas else None
        return found

    def cpu(self) -> dict[str, float | None]:
        """CPU seconds used so far by service; ``rasa`` is the sum over the replicas."""
        found: dict[str, float | None] = {}
        for name in self.topology.service_names:
            try:
                found[name] = cpu_seconds(self.topology.pid(name))
            except KeyError:
                found[name] = None
        replicas = [v for k, v in found.items() if k.startswith("rasa-") and v is not None]
        found["rasa"] = sum(replicas) if replicas else None
        return found

    def stop(self) -> None:
        """Stop the services, Redis and PostgreSQL."""
        self.topology.stop_all()

    def remove_var_dir(self) -> None:
        """Delete the throwaway var directory (PostgreSQL's data included)."""
        shutil.rmtree(self.var_dir, ignore_errors=True)
