"""Log formatting for the Rasa server (``rasa run --logging-config-file rasa-logging.yml``).

Rasa renders its structlog events to a JSON string before they reach the standard logging
handlers, with fields such as ``text`` (the message, logged at ERROR by the REST channel when
a turn fails or times out) and tracebacks that include each frame's local variables. This
formatter removes both, and writes Ally's JSON lines in production (readable lines elsewhere).
It runs inside the Rasa process, so it imports nothing from Rasa.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from bot.observability.json_logs import REDACTED, JsonFormatter

LOGGING_CONFIG = Path(__file__).with_name("rasa-logging.yml")
HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Rasa's own list of event fields that can carry conversation content (rasa.utils.log_utils).
RASA_CONTENT_FIELDS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text",
        "parse_data_entities", "prediction_events", "tracker_latest_message",
        "prefilled_slots", "message", "response", "slot_candidates", "rasa_event",
        "rasa_events", "tracker_states", "current_states", "old_states", "successes",
        "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
        "json_message", "metadata", "events", "tracker", "request_body",
    }
)  # fmt: skip


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """Return a structlog event with content fields redacted and traceback locals removed."""
    clean = {k: (REDACTED if k in RASA_CONTENT_FIELDS else v) for k, v in event.items()}
    if isinstance(clean.get("exception"), list):
        clean["exception"] = [_without_locals(part) for part in clean["exception"]]
    return clean


def _without_locals(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_locals(v) for k, v in value.items() if k != "locals"}
    if isinstance(value, list):
        return [_without_locals(v) for v in value]
    return value


def structlog_event(message: str) -> dict[str, Any] | None:
    """Return the event when ``message`` is a structlog JSON rendering, else None."""
    if not message.startswith("{"):
        return None
    try:
        event = json.loads(message)
    except ValueError:
        return None
    return event if isinstance(event, dict) and "event" in event else None


class RasaJsonFormatter(JsonFormatter):
    """Ally's JSON lines, with a structlog event's fields merged in (redacted)."""

    def format(self, record: logging.LogRecord) -> str:
        """Return one JSON line."""
        line = super().format(record)
        event = structlog_event(record.getMessage())
        if event is None:
            return line
        payload = json.loads(line)
        fields = redact_event(event)
        payload["message"] = str(fields.pop("event"))
        for key in ("level", "log_level", "timestamp"):
            fields.pop(key, None)
        payload.update({k: v for k, v in fields.items() if k not in payload})
        return json.dumps(payload, default=str, ensure_ascii=False)


class RasaTextFormatter(logging.Formatter):
    """Readable lines; a structlog event is shown as its redacted JSON."""

    def __init__(self) -> None:
        super().__init__(HUMAN_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        """Format the line with the structlog event, if any, redacted."""
        event = structlog_event(record.message)
        if event is not None:
            record.message = json.dumps(redact_event(event), default=str, ensure_ascii=False)
        return super().formatMessage(record)


def install_record_redaction() -> None:
    """Redact structlog events as log records are created, whatever handler writes them.

    ``rasa run`` applies the logging config file and then installs coloredlogs, which replaces
    the root handler (and so this module's formatters) with its own. Records are therefore
    redacted when they are made, before any handler sees them. Installing twice is a no-op.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "ally_redacts", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if isinstance(record.msg, str) and record.msg.startswith("{"):
            event = structlog_event(record.getMessage())
            if event is not None:
                record.msg = json.dumps(redact_event(event), default=str, ensure_ascii=False)
                record.args = None
        return record

    make_record.ally_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


def rasa_formatter() -> logging.Formatter:
    """Return the formatter for ``ALLY_ENV`` (the factory ``rasa-logging.yml`` names).

    Also installs :func:`install_record_redaction`: the config file is the one hook into
    Rasa's start-up that runs before Rasa logs anything.
    """
    install_record_redaction()
    if os.environ.get("ALLY_ENV") == "production":
        return RasaJsonFormatter()
    return RasaTextFormatter()
