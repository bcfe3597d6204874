"""Logging set-up. Log lines never carry message text: only ids, counts and error kinds.

Our own code logs no message text at any level. Some libraries do at DEBUG (rasa-sdk logs slot
values while validating forms), so their loggers never go below :data:`LIBRARY_FLOORS`, even
with ``ALLY_LOG_LEVEL=DEBUG``.
"""

from __future__ import annotations

import logging
import sys

from bot.config import Settings
from bot.observability.json_logs import JsonFormatter

HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The lowest level each library may log at (their lower levels can carry what people wrote).
LIBRARY_FLOORS = {
    "rasa_sdk": logging.INFO,
    "sanic": logging.WARNING,
    "socketio": logging.WARNING,
    "engineio": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    # spaCy writes through a handler of its own too, in a format that is not JSON.
    "spacy": logging.WARNING,
}

__all__ = ["LIBRARY_FLOORS", "JsonFormatter", "configure_logging", "log_formatter"]


def log_formatter(settings: Settings) -> logging.Formatter:
    """Return the formatter for ``settings``: JSON lines in production, readable elsewhere."""
    if settings.is_production:
        return JsonFormatter()
    return logging.Formatter(HUMAN_FORMAT)


def configure_logging(settings: Settings) -> None:
    """Log to stderr at ``ALLY_LOG_LEVEL``, with the libraries held at their floors."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_formatter(settings))
    level = logging.getLevelName(settings.log_level)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))
