"""The three processes of an Ally stack: how each is started and how its health is checked."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.observability.rasa_logs import LOGGING_CONFIG as RASA_LOGGING_CONFIG


@dataclass(frozen=True)
class ServiceSpec:
    """One process of the stack."""

    name: str
    argv: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 120.0


def rasa_executable(settings: Settings) -> Path:
    """Return the ``rasa`` executable of the Rasa environment."""
    venv = os.environ.get("ALLY_RASA_VENV") or settings.project_dir / ".venv" / "rasa"
    return Path(venv) / "bin" / "rasa"


def settings_environment(settings: Settings) -> dict[str, str]:
    """The current environment with every Ally setting made explicit for child processes."""
    env = dict(os.environ)
    env.update(
        ALLY_ENV=settings.env,
        ALLY_PROJECT_DIR=str(settings.project_dir),
        ALLY_VAR_DIR=str(settings.var_dir),
        ALLY_DATABASE_URL=settings.database_url,
        ALLY_WEB_HOST=settings.web_host,
        ALLY_WEB_PORT=str(settings.web_port),
        ALLY_RASA_PORT=str(settings.rasa_port),
        ALLY_ACTIONS_PORT=str(settings.actions_port),
        ALLY_RASA_TOKEN=settings.rasa_token,
        ALLY_SESSION_SECRET=settings.session_secret,
        ALLY_PSEUDONYM_SALT=settings.pseudonym_salt,
        ALLY_LOCALE=settings.locale,
        ALLY_MODEL_DIR=str(settings.model_dir),
        ALLY_LOG_LEVEL=settings.log_level,
        ALLY_RASA_TIMEOUT=str(settings.rasa_timeout),
        PYTHONUNBUFFERED="1",
    )
    return env


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Environment for Rasa, its action server and its tooling."""
    env = settings_environment(settings)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        ALLY_ACTIONS_URL=settings.actions_url,
        ALLY_ACTIONS_TIMEOUT=str(settings.actions_timeout),
        ALLY_TRACKER_DIALECT="sqlite",
        ALLY_TRACKER_DB=str(settings.var_dir / "rasa-tracker.db"),
    )
    # endpoints.yml's tracker store class; `SQL` (Rasa's own) only to compare in benchmarks.
    env.setdefault("ALLY_TRACKER_STORE", "bot.nlu.tracker_store.CachedSQLTrackerStore")
    return env


def services(settings: Settings) -> list[ServiceSpec]:
    """Return the stack's services in start order: actions, Rasa, then the web app."""
    rasa = str(rasa_executable(settings))
    rasa_env = rasa_environment(settings)
    web_env = settings_environment(settings)
    return [
        ServiceSpec(
            name="actions",
            # rasa-sdk's server (as `rasa run actions --actions actions`) plus /metrics.
            argv=[
                str(Path(rasa).with_name("python")),
                "-m",
                "actions",
                "--port",
                str(settings.actions_port),
            ],
            health_url=f"http://127.0.0.1:{settings.actions_port}/health",
            env=rasa_env,
            startup_timeout=120.0,
        ),
        ServiceSpec(
            name="rasa",
            # `rasa run` through bot.nlu.rasa_server: the same CLI, with action results validated
            # by a precompiled schema and the model warmed up before /status answers (see that
            # module and docs/benchmarks.md).
            argv=[
                str(rasa_executable(settings).with_name("python")),
                "-m",
                "bot.nlu.rasa_server",
                "run",
                "--enable-api",
                "--auth-token",
                settings.rasa_token,
                "--interface",
                "127.0.0.1",
                "--port",
                str(settings.rasa_port),
                "--model",
                str(settings.model_dir),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--logging-config-file",
                str(RASA_LOGGING_CONFIG),
            ],
            health_url=f"{settings.rasa_url}/status?token={settings.rasa_token}",
            # Rasa logs every message at DEBUG, and Sanic's access log shows ?token=: keep both off.
            env={
                **rasa_env,
                "LOG_LEVEL": "INFO" if settings.log_level == "DEBUG" else settings.log_level,
                "LOG_LEVEL_LIBRARIES": "ERROR",
            },
            startup_timeout=300.0,
        ),
        ServiceSpec(
            name="web",
            argv=[sys.executable, "-m", "bot.web"],
            health_url=f"http://127.0.0.1:{settings.web_port}/healthz",
            env=web_env,
            startup_timeout=60.0,
        ),
    ]
