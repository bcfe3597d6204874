import json
import logging
import sys

from bot.observability.json_logs import REDACTED, JsonFormatter


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("bot.web.turns", logging.ERROR, __file__, 7, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_one_json_object_per_line_with_the_standard_fields() -> None:
    line = JsonFormatter().format(_record("turn failed: %s (message_id=%s)", "timeout", "m1"))
    assert "\n" not in line
    payload = json.loads(line)
    assert payload["level"] == "ERROR"
    assert payload["logger"] == "bot.web.turns"
    assert payload["message"] == "turn failed: timeout (message_id=m1)"
    assert payload["ts"].endswith("+00:00")
    assert set(payload) == {"ts", "level", "logger", "message"}


def test_extra_fields_are_kept_and_text_like_fields_are_redacted() -> None:
    record = _record("risk flagged", message_id="m1", severity="high", text="i feel awful")
    payload = json.loads(JsonFormatter().format(record))
    assert payload["message_id"] == "m1"
    assert payload["severity"] == "high"
    assert payload["text"] == REDACTED
    assert "i feel awful" not in json.dumps(payload)


def test_exceptions_are_one_line_too() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("failed")
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_values_that_are_not_json_become_strings() -> None:
    payload = json.loads(JsonFormatter().format(_record("x", where=object())))
    assert payload["where"].startswith("<object object")
