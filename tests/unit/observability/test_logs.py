import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import LIBRARY_FLOORS, configure_logging
from tests.conftest import make_settings

PROD = {
    "ALLY_ENV": "production",
    "ALLY_RASA_TOKEN": "a-real-token-for-this-test-1234567890",
    "ALLY_SESSION_SECRET": "a-real-session-secret-for-this-test-1234567890",
    "ALLY_PSEUDONYM_SALT": "a-real-pseudonym-salt-for-this-test-1234567890",
}


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_production_logs_are_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(make_settings(tmp_path, **PROD))
    logging.getLogger("bot.test").warning("turn failed (message_id=%s)", "m1", extra={"n": 3})
    lines = capsys.readouterr().err.strip().splitlines()
    payload = json.loads(lines[-1])
    assert payload["message"] == "turn failed (message_id=m1)"
    assert payload["logger"] == "bot.test"
    assert payload["level"] == "WARNING"
    assert payload["n"] == 3


def test_development_logs_are_readable_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(make_settings(tmp_path))
    logging.getLogger("bot.test").warning("hello %d", 1)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.endswith("WARNING bot.test: hello 1")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_libraries_stay_at_their_floor_even_at_debug(tmp_path: Path) -> None:
    configure_logging(make_settings(tmp_path, ALLY_LOG_LEVEL="DEBUG"))
    assert logging.getLogger().level == logging.DEBUG
    # rasa-sdk logs slot values (what people typed) while validating forms at DEBUG.
    assert not logging.getLogger("rasa_sdk.forms").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("sanic.access").isEnabledFor(logging.INFO)
    assert logging.getLogger("bot.web.turns").isEnabledFor(logging.DEBUG)


def test_a_higher_level_is_not_lowered_by_the_floors(tmp_path: Path) -> None:
    configure_logging(make_settings(tmp_path, ALLY_LOG_LEVEL="ERROR"))
    assert not logging.getLogger("rasa_sdk").isEnabledFor(logging.WARNING)
