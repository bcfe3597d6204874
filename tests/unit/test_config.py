from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ConfigError

STRONG = "x" * 40


def test_defaults_use_sqlite_under_var(tmp_path: Path) -> None:
    settings = Settings.from_env({"ALLY_PROJECT_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'ally.db'}"
    assert (settings.web_port, settings.rasa_port, settings.actions_port) == (8000, 5005, 5055)
    assert settings.env == "development"
    assert settings.rasa_url == "http://127.0.0.1:5005"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"ALLY_DATABASE_URL": "mongodb://localhost/ally"}, "ALLY_DATABASE_URL"),
        ({"ALLY_DATABASE_URL": "not a url"}, "ALLY_DATABASE_URL"),
        ({"ALLY_WEB_PORT": "eighty"}, "ALLY_WEB_PORT"),
        ({"ALLY_RASA_PORT": "70000"}, "ALLY_RASA_PORT"),
        ({"ALLY_ENV": "staging"}, "ALLY_ENV"),
        ({"ALLY_LOG_LEVEL": "loud"}, "ALLY_LOG_LEVEL"),
        ({"ALLY_RASA_TIMEOUT": "-1"}, "ALLY_RASA_TIMEOUT"),
        ({"ALLY_ACTIONS_TIMEOUT": "soon"}, "ALLY_ACTIONS_TIMEOUT"),
        ({"ALLY_ACTIONS_TIMEOUT": "0"}, "ALLY_ACTIONS_TIMEOUT"),
        ({"ALLY_WEB_PORT": "5005"}, "ALLY_WEB_PORT"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert caught.value.setting == setting
    assert str(caught.value).startswith(f"{setting}: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("env", "seconds"),
    [
        ({}, 10.0),  # half of the default ALLY_RASA_TIMEOUT (20 s)
        ({"ALLY_RASA_TIMEOUT": "30"}, 15.0),
        ({"ALLY_RASA_TIMEOUT": "4"}, 5.0),  # never below 5 s by default
        ({"ALLY_RASA_TIMEOUT": "30", "ALLY_ACTIONS_TIMEOUT": "3.5"}, 3.5),
    ],
)
def test_custom_actions_time_out_before_the_web_app_gives_up(
    env: dict[str, str], seconds: float
) -> None:
    assert Settings.from_env(env).actions_timeout == seconds


def test_production_refuses_placeholder_secrets() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"ALLY_ENV": "production"})
    assert caught.value.setting == "ALLY_RASA_TOKEN"


@pytest.mark.parametrize("weak", ["change-me-please-this-is-long-enough", "short"])
def test_production_refuses_weak_secret(weak: str) -> None:
    env = {
        "ALLY_ENV": "production",
        "ALLY_RASA_TOKEN": STRONG,
        "ALLY_SESSION_SECRET": weak,
        "ALLY_PSEUDONYM_SALT": STRONG,
    }
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert caught.value.setting == "ALLY_SESSION_SECRET"


def test_production_accepts_real_secrets() -> None:
    env = {
        "ALLY_ENV": "production",
        "ALLY_RASA_TOKEN": STRONG,
        "ALLY_SESSION_SECRET": "y" * 40,
        "ALLY_PSEUDONYM_SALT": "z" * 40,
    }
    settings = Settings.from_env(env)
    assert settings.is_production
    assert settings.session_secret == "y" * 40


def test_postgres_url_is_accepted() -> None:
    url = "postgresql://ally@127.0.0.1:5432/ally"
    assert Settings.from_env({"ALLY_DATABASE_URL": url}).database_url == url


def test_widget_origins_are_exact_origins(tmp_path: Path) -> None:
    env = {"ALLY_PROJECT_DIR": str(tmp_path)}
    raw = "https://a.example, http://b.example:8080/"
    settings = Settings.from_env({**env, "ALLY_WIDGET_ORIGINS": raw})
    assert settings.widget_origins == ("https://a.example", "http://b.example:8080")
    assert Settings.from_env(env).widget_origins == ()
    for bad in ("*", "https://a.example/path", "ftp://a.example", "a.example"):
        with pytest.raises(ConfigError, match="ALLY_WIDGET_ORIGINS"):
            Settings.from_env({**env, "ALLY_WIDGET_ORIGINS": bad})


def test_metrics_token_is_optional_and_must_be_a_real_secret(tmp_path: Path) -> None:
    env = {"ALLY_PROJECT_DIR": str(tmp_path)}
    assert Settings.from_env(env).metrics_token == ""
    assert Settings.from_env({**env, "ALLY_METRICS_TOKEN": STRONG}).metrics_token == STRONG
    for bad in ("short", "change-me-metrics-token-for-production"):
        with pytest.raises(ConfigError, match="ALLY_METRICS_TOKEN"):
            Settings.from_env({**env, "ALLY_METRICS_TOKEN": bad})


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"ALLY_ESCALATION_TARGET_SECONDS": "0"}, "ALLY_ESCALATION_TARGET_SECONDS"),
        ({"ALLY_WEBHOOK_URL": "hooks.example/x"}, "ALLY_WEBHOOK_URL"),
        ({"ALLY_KEEP_SAFEGUARDING_RECORDS": "perhaps"}, "ALLY_KEEP_SAFEGUARDING_RECORDS"),
        ({"ALLY_SURVEY_INSTRUMENT": "../etc/passwd"}, "ALLY_SURVEY_INSTRUMENT"),
        ({"ALLY_SURVEY_AFTER_CHECKINS": "0"}, "ALLY_SURVEY_AFTER_CHECKINS"),
        ({"ALLY_SURVEY_EVERY_DAYS": "soon"}, "ALLY_SURVEY_EVERY_DAYS"),
    ],
)
def test_new_settings_name_themselves_when_wrong(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    with pytest.raises(ConfigError, match=setting):
        Settings.from_env({"ALLY_PROJECT_DIR": str(tmp_path), **env})
