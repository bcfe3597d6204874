"""One JSON object per log line, for production log pipelines."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is kept.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)
# Extra fields that could carry what a person wrote: their values are never written out.
REDACTED_FIELDS = frozenset({"text", "message_text", "user_text", "excerpt", "note", "body"})
REDACTED = "[redacted]"


class JsonFormatter(logging.Formatter):
    """Format a record as ``{"ts", "level", "logger", "message", ...extra fields}``."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one JSON line (no newline inside)."""
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name in _STANDARD_ATTRIBUTES or name.startswith("_") or name in payload:
                continue
            payload[name] = REDACTED if name in REDACTED_FIELDS else value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, default=str, ensure_ascii=False)
