import json
import logging
import logging.config

import pytest
import yaml

from bot.observability.json_logs import REDACTED
from bot.observability.rasa_logs import (
    LOGGING_CONFIG,
    RasaJsonFormatter,
    RasaTextFormatter,
    install_record_redaction,
    rasa_formatter,
)

MARKER = "zebraquokka"
# What Rasa's structlog set-up hands to the logging handler for a failed REST turn.
TIMEOUT = {"text": f"i feel {MARKER}", "event": "rest.message.received.timeout", "level": "error"}
FAILURE = {
    "text": MARKER,
    "event": "rest.message.received.failure",
    "level": "error",
    "exception": [
        {
            "exc_type": "ValueError",
            "exc_value": "boom",
            "frames": [{"filename": "rest.py", "lineno": 3, "locals": {"text": f"'{MARKER}'"}}],
        }
    ],
}


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("rasa.core.channels.rest", logging.ERROR, "", 0, message, None, None)


@pytest.mark.parametrize("event", [TIMEOUT, FAILURE])
def test_json_lines_carry_the_event_without_the_text(event: dict) -> None:
    line = RasaJsonFormatter().format(_record(json.dumps(event)))
    payload = json.loads(line)
    assert payload["message"] == event["event"]
    assert payload["logger"] == "rasa.core.channels.rest"
    assert payload["text"] == REDACTED
    assert MARKER not in line


def test_traceback_frames_keep_their_place_but_not_their_locals() -> None:
    payload = json.loads(RasaJsonFormatter().format(_record(json.dumps(FAILURE))))
    frame = payload["exception"][0]["frames"][0]
    assert frame == {"filename": "rest.py", "lineno": 3}


@pytest.mark.parametrize("event", [TIMEOUT, FAILURE])
def test_readable_lines_redact_too(event: dict) -> None:
    formatter = RasaTextFormatter()
    line = formatter.format(_record(json.dumps(event)))
    assert event["event"] in line
    assert MARKER not in line


def test_plain_messages_pass_unchanged() -> None:
    record = _record("Rasa server is up and running.")
    assert RasaTextFormatter().format(record).endswith(": Rasa server is up and running.")
    assert json.loads(RasaJsonFormatter().format(record))["message"] == record.msg
    assert json.loads(RasaJsonFormatter().format(_record("{not json")))["message"] == "{not json"


def test_the_formatter_follows_ally_env(monkeypatch: pytest.MonkeyPatch) -> None:
    factory = logging.getLogRecordFactory()
    try:
        monkeypatch.setenv("ALLY_ENV", "production")
        assert isinstance(rasa_formatter(), RasaJsonFormatter)
        monkeypatch.setenv("ALLY_ENV", "development")
        assert isinstance(rasa_formatter(), RasaTextFormatter)
    finally:
        logging.setLogRecordFactory(factory)


def test_the_config_file_is_valid_for_dictconfig() -> None:
    config = yaml.safe_load(LOGGING_CONFIG.read_text())
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    factory = logging.getLogRecordFactory()
    try:
        logging.config.dictConfig(config)
        (handler,) = root.handlers
        assert isinstance(handler.formatter, (RasaJsonFormatter, RasaTextFormatter))
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.setLogRecordFactory(factory)


def test_records_are_redacted_when_made_whatever_handler_writes_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    previous = logging.getLogRecordFactory()
    try:
        install_record_redaction()
        install_record_redaction()  # twice: still one layer
        with caplog.at_level(logging.ERROR):
            logging.getLogger("rasa.core.channels.rest").error(json.dumps(FAILURE))
            logging.getLogger("rasa.core.run").error("plain %s", "message")
    finally:
        logging.setLogRecordFactory(previous)
    assert MARKER not in caplog.text
    assert "rest.message.received.failure" in caplog.text
    assert "plain message" in caplog.text
