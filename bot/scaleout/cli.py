"""``ally up --scale N``: the scale-out topology under the supervisor."""

from __future__ import annotations

import asyncio
import sys

from bot.config import Settings
from bot.errors import ConfigError
from bot.logs import configure_logging
from bot.scaleout.backend_health import HEALTH_FILE
from bot.scaleout.topology import ScaleTopology
from bot.scaleout.watchdog import BackendWatchdog, scale_backends, watching_backends


def up_scaled(settings: Settings, replicas: int, *, no_train: bool) -> int:
    """Start PostgreSQL and Redis, then N action servers, N Rasa replicas and the web app.

    While the stack runs, a watchdog restarts PostgreSQL or Redis when one dies
    (bot/scaleout/watchdog.py). Ctrl-C stops the services, then Redis and PostgreSQL;
    PostgreSQL keeps its data under ``<var>/scale/pg`` for the next run.

    Raises:
        AllyError: a missing server binary, a taken port, or a server that would not start.
    """
    from bot.cli import _ensure_first_account
    from bot.supervisor import Supervisor, run_stack
    from bot.training import latest_model, train_if_stale

    topology = ScaleTopology(
        settings,
        replicas,
        postgres_port=settings.scale_postgres_port,
        redis_port=settings.scale_redis_port,
    )
    topology.check_installed()  # before anything slow: one clear line when one is missing
    topology.check_ports()
    log_dir = settings.var_dir / "log"
    if no_train:
        if latest_model(settings.model_dir) is None:
            raise ConfigError("ALLY_MODEL_DIR", f"no trained model in {settings.model_dir}")
    else:
        train_if_stale(settings, log_path=log_dir / "train.log")
    try:
        print(f"starting PostgreSQL (port {topology.postgres.port}) and Redis "
              f"(port {topology.redis_port}) ...", flush=True)  # fmt: skip
        topology.prepare()
        _ensure_first_account(topology.settings)
        supervisor = Supervisor(
            topology.service_specs(), cwd=settings.project_dir, log_dir=log_dir, out=sys.stdout
        )
        configure_logging(settings)  # the watchdog's events, on standard error
        health_path = settings.var_dir / HEALTH_FILE
        watchdog = BackendWatchdog(scale_backends(topology.postgres, topology.redis), health_path)

        def ready() -> None:
            rasa = "\n".join(
                f"  Rasa replica {i}  {url}" for i, url in enumerate(topology.rasa_urls, 1)
            )
            print(
                f"\nAlly is running (scale-out, {replicas} Rasa replicas):\n"
                f"  chat widget    {topology.web_url.replace('127.0.0.1', 'localhost')}/\n"
                f"  supporter app  {topology.web_url.replace('127.0.0.1', 'localhost')}/supporter\n"
                f"{rasa}\n"
                f"  PostgreSQL     {topology.database_url} (app)\n"
                f"                 {topology.tracker_url} (Rasa's tracker store)\n"
                f"  Redis          127.0.0.1:{topology.redis_port} (lock store)\n"
                f"  their health   {health_path}\n"
                f"  logs           {log_dir}/\n"
                "Press Ctrl-C to stop.",
                flush=True,
            )

        return asyncio.run(watching_backends(watchdog, run_stack(supervisor, on_ready=ready)))
    finally:
        topology.shutdown_backends()
