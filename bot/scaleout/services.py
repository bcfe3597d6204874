"""The scale-out topology's processes: N action servers, N Rasa replicas and one web app.

Each spec is derived from the single-process stack (bot/stack.py) with its own ports, so a
replica runs exactly what ``ally up`` runs, with ``endpoints-scale.yml`` and the environment
that file expands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.config import Settings
from bot.stack import ServiceSpec, services

ENDPOINTS_FILE = "endpoints-scale.yml"
TRACKER_DATABASE = "rasa"
MIN_LOCK_LIFETIME_SECONDS = 5


@dataclass(frozen=True)
class Backends:
    """Where the shared state lives: PostgreSQL (tracker store) and Redis (lock store)."""

    postgres_host: str
    postgres_port: int
    postgres_user: str
    redis_host: str
    redis_port: int
    tracker_database: str = TRACKER_DATABASE
    postgres_password: str = ""
    redis_password: str = ""
    redis_db: int = 1

    def tracker_environment(self) -> dict[str, str]:
        """The variables ``endpoints-scale.yml`` expands, for every Rasa replica."""
        return {
            "ALLY_TRACKER_HOST": self.postgres_host,
            "ALLY_TRACKER_PORT": str(self.postgres_port),
            "ALLY_TRACKER_DB": self.tracker_database,
            "ALLY_TRACKER_USER": self.postgres_user,
            "ALLY_TRACKER_PASSWORD": self.postgres_password,
            "ALLY_TRACKER_LOGIN_DB": "",
            "ALLY_REDIS_HOST": self.redis_host,
            "ALLY_REDIS_PORT": str(self.redis_port),
            "ALLY_REDIS_DB": str(self.redis_db),
            "ALLY_REDIS_PASSWORD": self.redis_password,
        }


def lock_lifetime(rasa_timeout: float) -> int:
    """Rasa's ``TICKET_LOCK_LIFETIME`` for the replicas: half the web app's Rasa timeout.

    A replica killed in the middle of a turn leaves its ticket in the Redis lock until the
    ticket expires, and the conversation's next turn (the web app sends it to another replica)
    waits for that. With Rasa's default of 60 s the web app gave up first (``ALLY_RASA_TIMEOUT``,
    20 s) and the message was lost; at half the timeout the wait and the turn fit in it (with
    ``bot.nlu.resilient_lock.WaitingRedisLockStore``, whose waiting tickets do not expire).
    Turns take well under a second, so the lock still outlives every turn it protects. Rasa
    reads the variable as whole seconds, once, at import (``rasa.core.lock_store``).
    """
    return max(MIN_LOCK_LIFETIME_SECONDS, int(rasa_timeout / 2))


def replica_ports(base: int, replicas: int) -> list[int]:
    """Consecutive ports from ``base``: replica i (1-based) gets ``base + i - 1``."""
    return [base + i for i in range(replicas)]


def scale_services(
    settings: Settings,
    backends: Backends,
    *,
    rasa_ports: list[int],
    actions_ports: list[int],
) -> list[ServiceSpec]:
    """Return the topology's specs in start order: actions-i, rasa-i, then the web app.

    ``settings`` must already point at the shared database and list the replicas' URLs
    (``rasa_urls``); Rasa replica i calls action server i.
    """
    if len(rasa_ports) != len(actions_ports) or len(rasa_ports) < 1:
        raise ValueError("one action server port per Rasa replica is needed")
    replicas = len(rasa_ports)
    actions: list[ServiceSpec] = []
    rasas: list[ServiceSpec] = []
    for index, (rasa_port, actions_port) in enumerate(
        zip(rasa_ports, actions_ports, strict=True), start=1
    ):
        own = replace(settings, rasa_port=rasa_port, actions_port=actions_port)
        action_spec, rasa_spec, _ = services(own)
        actions.append(replace(action_spec, name=f"actions-{index}"))
        argv = list(rasa_spec.argv)
        argv[argv.index("--endpoints") + 1] = ENDPOINTS_FILE
        rasas.append(
            replace(
                rasa_spec,
                name=f"rasa-{index}",
                argv=argv,
                env={
                    **rasa_spec.env,
                    **backends.tracker_environment(),
                    "TICKET_LOCK_LIFETIME": str(lock_lifetime(settings.rasa_timeout)),
                },
                # Replicas load their models at the same time on the same cores.
                startup_timeout=rasa_spec.startup_timeout * max(1.0, replicas / 2),
            )
        )
    web = services(settings)[2]
    web = replace(
        web,
        env={
            **web.env,
            "ALLY_RASA_URLS": ",".join(settings.rasa_urls),
            # "Delete my data" deletes the person's events from the shared tracker store.
            "ALLY_TRACKER_DATABASE_URL": settings.tracker_database_url,
        },
    )
    return [*actions, *rasas, web]
