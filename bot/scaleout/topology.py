"""The scale-out topology on one machine: PostgreSQL, Redis, N Rasa replicas, N action servers.

``ally up --scale N`` uses :meth:`ScaleTopology.prepare` (the shared servers and migrations),
runs :meth:`ScaleTopology.service_specs` under the supervisor, and calls
:meth:`ScaleTopology.shutdown_backends` at the end. Tests and benchmarks use the rest: start
everything, kill or restart one service, restart PostgreSQL (docs/scale-out.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from bot.config import Settings
from bot.errors import ConfigError
from bot.ports import free_port, port_problem
from bot.scaleout.postgres import USER, PostgresCluster, check_postgres_installed
from bot.scaleout.processes import die_with_parent
from bot.scaleout.redis import RedisServer, ping, redis_bin
from bot.scaleout.services import (
    TRACKER_DATABASE,
    Backends,
    replica_ports,
    scale_services,
)
from bot.stack import ServiceSpec

MIN_REPLICAS = 2
MAX_REPLICAS = 16
STOP_GRACE_SECONDS = 10.0


def check_replicas(replicas: int) -> None:
    """Raise ConfigError unless ``replicas`` is a sensible number of Rasa replicas."""
    if not MIN_REPLICAS <= replicas <= MAX_REPLICAS:
        raise ConfigError(
            "--scale",
            f"must be between {MIN_REPLICAS} and {MAX_REPLICAS} Rasa replicas, got {replicas} "
            "(leave it out for the single-process stack)",
        )


def is_healthy(url: str) -> bool:
    """True when ``url`` answers 200 within 2 s."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310  (our loopback URL)
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class ScaleTopology:
    """The topology for ``settings`` with ``replicas`` Rasa replicas and action servers.

    Ports: Rasa replica i (1-based) on ``settings.rasa_port + i - 1`` and action server i on
    ``settings.actions_port + i - 1`` unless given; PostgreSQL and Redis on the given ports,
    or free ones (``ally up --scale`` passes ``ALLY_SCALE_POSTGRES_PORT`` and
    ``ALLY_SCALE_REDIS_PORT``). PostgreSQL keeps its data under ``<var>/scale/pg``.
    """

    def __init__(
        self,
        settings: Settings,
        replicas: int,
        *,
        postgres_port: int | None = None,
        redis_port: int | None = None,
        rasa_ports: list[int] | None = None,
        actions_ports: list[int] | None = None,
    ) -> None:
        check_replicas(replicas)
        self.replicas = replicas
        self.rasa_ports = rasa_ports or replica_ports(settings.rasa_port, replicas)
        self.actions_ports = actions_ports or replica_ports(settings.actions_port, replicas)
        if len(self.rasa_ports) != replicas or len(self.actions_ports) != replicas:
            raise ConfigError("--scale", f"needs {replicas} Rasa and {replicas} action ports")
        self.postgres = PostgresCluster(
            settings.var_dir / "scale" / "pg", postgres_port or free_port()
        )
        self.redis = RedisServer(redis_port or free_port(), settings.var_dir / "log" / "redis.log")
        self.backends = Backends(
            postgres_host="127.0.0.1",
            postgres_port=self.postgres.port,
            postgres_user=USER,
            redis_host="127.0.0.1",
            redis_port=self.redis.port,
        )
        self.settings = replace(
            settings,
            database_url=self.postgres.url,
            tracker_database_url=self.postgres.database_url(TRACKER_DATABASE),
            rasa_urls=tuple(f"http://127.0.0.1:{port}" for port in self.rasa_ports),
        )
        self.specs: dict[str, ServiceSpec] = {
            spec.name: spec
            for spec in scale_services(
                self.settings,
                self.backends,
                rasa_ports=self.rasa_ports,
                actions_ports=self.actions_ports,
            )
        }
        self.log_dir = settings.var_dir / "log"
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    # --- what it is -------------------------------------------------------------------------

    @property
    def service_names(self) -> list[str]:
        """Names in start order: ``actions-1..N``, ``rasa-1..N``, ``web``."""
        return list(self.specs)

    def service_specs(self) -> list[ServiceSpec]:
        """The specs in start order, for the supervisor."""
        return list(self.specs.values())

    @property
    def web_url(self) -> str:
        """The web app's base URL."""
        return f"http://127.0.0.1:{self.settings.web_port}"

    @property
    def rasa_urls(self) -> list[str]:
        """The Rasa replicas' base URLs, replica 1 first."""
        return list(self.settings.rasa_urls)

    @property
    def database_url(self) -> str:
        """The app's database (alembic migrations) on the topology's PostgreSQL."""
        return self.postgres.url

    @property
    def tracker_url(self) -> str:
        """Rasa's tracker store database (its ``events`` table) on the same PostgreSQL."""
        return self.postgres.database_url(TRACKER_DATABASE)

    @property
    def redis_port(self) -> int:
        """Redis's loopback port."""
        return self.redis.port

    def log_path(self, name: str) -> Path:
        """Log file of a service, or of ``postgres`` / ``redis``."""
        if name == "postgres":
            return self.postgres.log_path
        if name == "redis":
            return self.redis.log_path
        return self.log_dir / f"{name}.log"

    def check_ports(self) -> None:
        """Raise ConfigError naming the first port of the topology that is taken."""
        s = self.settings
        wanted = [("ALLY_WEB_PORT", s.web_host, s.web_port)]
        wanted += [("ALLY_RASA_PORT", "127.0.0.1", port) for port in self.rasa_ports]
        wanted += [("ALLY_ACTIONS_PORT", "127.0.0.1", port) for port in self.actions_ports]
        wanted += [("ALLY_SCALE_REDIS_PORT", "127.0.0.1", self.redis.port)]
        if not self.postgres.is_running():  # our own cluster from an earlier run may be up
            wanted += [("ALLY_SCALE_POSTGRES_PORT", "127.0.0.1", self.postgres.port)]
        ports = [port for _, _, port in wanted]
        if len(set(ports)) != len(ports):
            raise ConfigError("--scale", f"the topology's ports overlap: {sorted(ports)}")
        for setting, host, port in wanted:
            problem = port_problem(host, port)
            if problem:
                raise ConfigError(setting, problem)

    # --- shared servers ---------------------------------------------------------------------

    def check_installed(self) -> None:
        """Raise MissingBinaryError unless PostgreSQL's server tools and redis-server exist."""
        check_postgres_installed()
        redis_bin()

    def prepare(self) -> None:
        """Start PostgreSQL (creating the cluster if new) and Redis; migrate the app database.

        Raises:
            MissingBinaryError: PostgreSQL or redis-server is not installed.
            BackendError: either server could not be started.
            ConfigError: the migrations failed.
        """
        self.check_installed()
        self.postgres.init()
        self.postgres.ensure_database(TRACKER_DATABASE)
        self._migrate()
        if not ping(self.redis.port):
            self.redis.start()

    def _migrate(self) -> None:
        from bot.storage.migrate import upgrade

        try:
            upgrade(self.database_url)
        except Exception as exc:  # driver errors vary; all mean "cannot migrate"
            raise ConfigError("--scale", f"cannot migrate the database: {exc}") from exc

    def shutdown_backends(self) -> None:
        """Stop Redis and PostgreSQL (PostgreSQL's data stays under ``<var>/scale/pg``)."""
        self.redis.stop()
        self.postgres.stop()

    def restart_postgres(self) -> None:
        """Stop PostgreSQL (fast mode) and start it again: same port, same data."""
        self.postgres.restart()

    def stop_postgres(self) -> None:
        """Stop PostgreSQL (fast mode)."""
        self.postgres.stop()

    def start_postgres(self) -> None:
        """Start PostgreSQL and wait until it accepts connections."""
        self.postgres.start()

    def kill_redis(self) -> None:
        """Kill Redis (SIGKILL); conversation locks are lost with it."""
        self.redis.kill()

    def start_redis(self) -> None:
        """Start Redis and wait for PONG."""
        self.redis.start()

    # --- services, one at a time (tests, benchmarks) ----------------------------------------

    def start_all(self) -> None:
        """Prepare the shared servers, launch every service and wait until all are healthy."""
        self.prepare()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in self.specs:
            self._launch(name)
        for name in self.specs:
            self.wait_healthy(name)

    def start(self, name: str) -> None:
        """(Re)start one service and wait until it is healthy."""
        self._launch(name)
        self.wait_healthy(name)

    def _launch(self, name: str) -> None:
        spec = self.specs[name]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path(name).open("ab") as log:
            self._procs[name] = subprocess.Popen(  # noqa: S603  (our own argv, no shell)
                spec.argv,
                cwd=self.settings.project_dir,
                env=spec.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
                start_new_session=True,
            )

    def wait_healthy(self, name: str) -> None:
        """Poll the service's health URL until 200 or its start-up budget is spent.

        Raises:
            RuntimeError: the service exited or was not healthy in time (with its log tail).
        """
        spec = self.specs[name]
        proc = self._procs[name]
        deadline = time.monotonic() + spec.startup_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {proc.returncode}:\n{self.tail(name)}")
            if is_healthy(spec.health_url):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{name} was not healthy in time:\n{self.tail(name)}")

    def is_healthy(self, name: str) -> bool:
        """True when the service's health URL answers 200 now."""
        return is_healthy(self.specs[name].health_url)

    def pid(self, name: str) -> int:
        """Process id of a running service (KeyError when it is not running)."""
        proc = self._procs[name]
        if proc.poll() is not None:
            raise KeyError(name)
        return proc.pid

    def kill(self, name: str) -> None:
        """Kill one service at once (SIGKILL to its process group) and wait for it."""
        proc = self._procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop(self, name: str) -> None:
        """Stop one service (SIGTERM, SIGKILL after a grace period)."""
        proc = self._procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    def stop_all(self) -> None:
        """Stop every service (newest first), then Redis and PostgreSQL."""
        for name in reversed(list(self._procs)):
            self.stop(name)
        self.shutdown_backends()

    def tail(self, name: str, lines: int = 30) -> str:
        """The last lines of a log."""
        try:
            text = self.log_path(name).read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> ScaleTopology:
        try:
            self.start_all()
        except BaseException:
            self.stop_all()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_all()
