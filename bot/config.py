"""Settings: one frozen object built from the environment, once per entry point."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError

ENVIRONMENTS = ("development", "test", "production")
SECRET_SETTINGS = ("ALLY_RASA_TOKEN", "ALLY_SESSION_SECRET", "ALLY_PSEUDONYM_SALT")
# Development defaults. They are deliberately recognisable so production refuses them.
_PLACEHOLDER_PREFIX = "change-me"
_DEV_SECRETS = {
    "ALLY_RASA_TOKEN": "change-me-rasa-token",
    "ALLY_SESSION_SECRET": "change-me-session-secret-for-development-only",
    "ALLY_PSEUDONYM_SALT": "change-me-pseudonym-salt",
}
_MIN_SECRET_LENGTH = 24
_SUPPORTED_DB_SCHEMES = ("sqlite", "postgresql")


def project_dir() -> Path:
    """Return the repository root (where domain/, data/ and models/ live)."""
    return Path(os.environ.get("ALLY_PROJECT_DIR", Path(__file__).resolve().parent.parent))


# The shortest default wait for a custom action (half of ALLY_RASA_TIMEOUT otherwise).
MIN_ACTIONS_TIMEOUT = 5.0


@dataclass(frozen=True)
class Settings:
    """Every setting Ally reads, validated. Build it with :meth:`from_env`."""

    env: str
    project_dir: Path
    var_dir: Path
    database_url: str
    web_host: str
    web_port: int
    rasa_port: int
    actions_port: int
    rasa_token: str
    session_secret: str
    pseudonym_salt: str
    locale: str
    model_dir: Path
    log_level: str
    rasa_timeout: float
    # Seconds Rasa waits for a custom action (Rasa's own default is 300): less than rasa_timeout,
    # so a hung action server costs one failed action, not the whole turn.
    actions_timeout: float
    # Supporter queue: how long a high/imminent escalation may wait before it shows as overdue.
    escalation_target_seconds: float
    # Optional outbound webhook for new and overdue escalations ("" = off).
    webhook_url: str
    # Keep a minimal, de-identified escalation record when a person deletes their data.
    keep_safeguarding_records: bool
    # The in-chat alliance survey: instrument file name and schedule.
    survey_instrument: str
    survey_after_checkins: int
    survey_every_days: int
    # Host sites allowed to embed the widget from another origin (exact origins, never "*").
    widget_origins: tuple[str, ...]
    # Bearer token for /metrics from other hosts ("" = loopback only).
    metrics_token: str = ""
    # Scale-out: the Rasa replicas the web app routes conversations to (empty = rasa_url only).
    rasa_urls: tuple[str, ...] = ()
    # Scale-out (`ally up --scale N`): loopback ports of its PostgreSQL and Redis servers.
    scale_postgres_port: int = 5433
    scale_redis_port: int = 6380
    # Rasa's tracker store as a database URL when it is not the SQLite file (scale-out: its
    # PostgreSQL database "rasa"); "" = tracker_db_path. Read for deletion and transcripts.
    tracker_database_url: str = ""

    @property
    def tracker_db_path(self) -> Path:
        """Rasa's SQL tracker store (SQLite) file, written by Rasa, deleted from on request."""
        return self.var_dir / "rasa-tracker.db"

    @property
    def tracker_store(self) -> Path | str:
        """Where Rasa's events are: ``tracker_database_url``, else the SQLite file's path."""
        return self.tracker_database_url or self.tracker_db_path

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server on loopback."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        """Webhook URL of the action server on loopback."""
        return f"http://127.0.0.1:{self.actions_port}/webhook"

    @property
    def is_production(self) -> bool:
        """True when running with ``ALLY_ENV=production``."""
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings.

        Raises:
            ConfigError: naming the first setting that is invalid.
        """
        env_map = os.environ if environ is None else environ
        root = Path(env_map.get("ALLY_PROJECT_DIR") or project_dir())
        rasa_timeout = _positive_float(env_map, "ALLY_RASA_TIMEOUT", 20.0)
        env = env_map.get("ALLY_ENV", "development")
        if env not in ENVIRONMENTS:
            raise ConfigError("ALLY_ENV", f"must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
        var_dir = Path(env_map.get("ALLY_VAR_DIR") or root / "var")
        secrets = {name: env_map.get(name) or _DEV_SECRETS[name] for name in SECRET_SETTINGS}
        if env == "production":
            for name, value in secrets.items():
                _check_production_secret(name, value)
        settings = cls(
            env=env,
            project_dir=root,
            var_dir=var_dir,
            database_url=_database_url(env_map.get("ALLY_DATABASE_URL"), var_dir),
            web_host=env_map.get("ALLY_WEB_HOST", "127.0.0.1"),
            web_port=_port(env_map, "ALLY_WEB_PORT", 8000),
            rasa_port=_port(env_map, "ALLY_RASA_PORT", 5005),
            actions_port=_port(env_map, "ALLY_ACTIONS_PORT", 5055),
            rasa_token=secrets["ALLY_RASA_TOKEN"],
            session_secret=secrets["ALLY_SESSION_SECRET"],
            pseudonym_salt=secrets["ALLY_PSEUDONYM_SALT"],
            locale=_locale(env_map.get("ALLY_LOCALE", "US")),
            model_dir=Path(env_map.get("ALLY_MODEL_DIR") or root / "models"),
            log_level=_log_level(env_map.get("ALLY_LOG_LEVEL", "INFO")),
            rasa_timeout=rasa_timeout,
            actions_timeout=_positive_float(
                env_map, "ALLY_ACTIONS_TIMEOUT", max(MIN_ACTIONS_TIMEOUT, rasa_timeout / 2)
            ),
            escalation_target_seconds=_positive_float(
                env_map, "ALLY_ESCALATION_TARGET_SECONDS", 300.0
            ),
            webhook_url=_webhook_url(env_map.get("ALLY_WEBHOOK_URL", "")),
            keep_safeguarding_records=_flag(env_map, "ALLY_KEEP_SAFEGUARDING_RECORDS", False),
            survey_instrument=_name(env_map, "ALLY_SURVEY_INSTRUMENT", "wai_sr_chatbot"),
            survey_after_checkins=_count(env_map, "ALLY_SURVEY_AFTER_CHECKINS", 3),
            survey_every_days=_count(env_map, "ALLY_SURVEY_EVERY_DAYS", 14),
            widget_origins=_origins(env_map.get("ALLY_WIDGET_ORIGINS", "")),
            metrics_token=_metrics_token(env_map.get("ALLY_METRICS_TOKEN", "")),
            rasa_urls=_rasa_urls(env_map.get("ALLY_RASA_URLS", "")),
            scale_postgres_port=_port(env_map, "ALLY_SCALE_POSTGRES_PORT", 5433),
            scale_redis_port=_port(env_map, "ALLY_SCALE_REDIS_PORT", 6380),
            tracker_database_url=_tracker_database_url(
                env_map.get("ALLY_TRACKER_DATABASE_URL", "")
            ),
        )
        ports = [settings.web_port, settings.rasa_port, settings.actions_port]
        if len(set(ports)) != len(ports):
            raise ConfigError("ALLY_WEB_PORT", f"the three service ports must differ, got {ports}")
        return settings


def _check_production_secret(name: str, value: str) -> None:
    if value.startswith(_PLACEHOLDER_PREFIX) or value == _DEV_SECRETS[name]:
        raise ConfigError(name, "still has its placeholder value; set a real secret for production")
    if len(value) < _MIN_SECRET_LENGTH:
        raise ConfigError(name, f"must be at least {_MIN_SECRET_LENGTH} characters in production")


def _database_url(raw: str | None, var_dir: Path) -> str:
    if not raw:
        return f"sqlite:///{var_dir / 'ally.db'}"
    scheme = raw.split(":", 1)[0].split("+", 1)[0].lower()
    if "://" not in raw or scheme not in _SUPPORTED_DB_SCHEMES:
        raise ConfigError(
            "ALLY_DATABASE_URL",
            f"unsupported database URL scheme {scheme!r}; use sqlite:///PATH or postgresql://...",
        )
    return raw


def _tracker_database_url(raw: str) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    scheme = raw.split(":", 1)[0].split("+", 1)[0].lower()
    if "://" not in raw or scheme not in _SUPPORTED_DB_SCHEMES:
        raise ConfigError(
            "ALLY_TRACKER_DATABASE_URL",
            f"unsupported database URL scheme {scheme!r}; use postgresql://... or sqlite:///PATH",
        )
    return raw


def _port(env_map: Mapping[str, str], name: str, default: int) -> int:
    raw = env_map.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a port number, got {raw!r}") from None
    if not 1 <= value <= 65535:
        raise ConfigError(name, f"must be between 1 and 65535, got {value}")
    return value


def _positive_float(env_map: Mapping[str, str], name: str, default: float) -> float:
    raw = env_map.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(name, f"must be positive, got {value}")
    return value


def _count(env_map: Mapping[str, str], name: str, default: int) -> int:
    raw = env_map.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ConfigError(name, f"must be at least 1, got {value}")
    return value


def _flag(env_map: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env_map.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(name, f"must be true or false, got {raw!r}")


def _name(env_map: Mapping[str, str], name: str, default: str) -> str:
    raw = env_map.get(name) or default
    if not raw.replace("_", "").replace("-", "").isalnum():
        raise ConfigError(name, f"must be a file name without extension, got {raw!r}")
    return raw


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest or "*" in origin:
            raise ConfigError(
                "ALLY_WIDGET_ORIGINS",
                f"must be comma-separated origins like https://example.org, got {origin!r}",
            )
    return origins


def _rasa_urls(raw: str) -> tuple[str, ...]:
    urls = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for url in urls:
        scheme, _, rest = url.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest:
            raise ConfigError(
                "ALLY_RASA_URLS",
                f"must be comma-separated base URLs like http://127.0.0.1:5005, got {url!r}",
            )
    if len(set(urls)) != len(urls):
        raise ConfigError("ALLY_RASA_URLS", "lists the same URL twice")
    return urls


def _metrics_token(raw: str) -> str:
    token = raw.strip()
    if token and (len(token) < _MIN_SECRET_LENGTH or token.startswith(_PLACEHOLDER_PREFIX)):
        raise ConfigError(
            "ALLY_METRICS_TOKEN",
            f"must be a real secret of at least {_MIN_SECRET_LENGTH} characters, or empty",
        )
    return token


def _webhook_url(raw: str) -> str:
    raw = raw.strip()
    if raw and not raw.startswith(("http://", "https://")):
        raise ConfigError("ALLY_WEBHOOK_URL", f"must be an http(s) URL, got {raw!r}")
    return raw


def _locale(raw: str) -> str:
    from bot.risk.resources import crisis_resources  # the table decides which locales exist

    try:
        return crisis_resources(raw).locale.upper()
    except ValueError as exc:
        raise ConfigError("ALLY_LOCALE", str(exc)) from None


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("ALLY_LOG_LEVEL", f"must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level
