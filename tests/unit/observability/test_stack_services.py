from pathlib import Path

import pytest

from bot.stack import services
from tests.conftest import make_settings


def test_the_action_server_runs_allys_entry_point_on_the_same_port(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ALLY_ACTIONS_PORT="5999")
    (actions,) = [spec for spec in services(settings) if spec.name == "actions"]
    assert actions.argv[0].endswith("/bin/python")
    assert actions.argv[1:] == ["-m", "actions", "--port", "5999"]
    assert actions.health_url == "http://127.0.0.1:5999/health"


@pytest.mark.parametrize(
    ("ally", "rasa"), [("DEBUG", "INFO"), ("INFO", "INFO"), ("ERROR", "ERROR")]
)
def test_rasa_never_logs_at_debug(tmp_path: Path, ally: str, rasa: str) -> None:
    settings = make_settings(tmp_path, ALLY_LOG_LEVEL=ally)
    (spec,) = [spec for spec in services(settings) if spec.name == "rasa"]
    assert spec.env["LOG_LEVEL"] == rasa
    assert spec.env["LOG_LEVEL_LIBRARIES"] == "ERROR"


def test_rasa_logs_through_allys_redacting_config(tmp_path: Path) -> None:
    (spec,) = [spec for spec in services(make_settings(tmp_path)) if spec.name == "rasa"]
    flag = spec.argv.index("--logging-config-file")
    assert Path(spec.argv[flag + 1]).is_file()
