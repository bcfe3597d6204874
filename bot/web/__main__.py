"""Run the web app: ``python -m bot.web`` (``ally up`` does this for you)."""

from __future__ import annotations

import errno
import logging
import sys

from aiohttp import web

from bot.config import Settings
from bot.errors import AllyError
from bot.logs import configure_logging
from bot.web.app import create_app


def main() -> int:
    """Serve the web app until interrupted; one-line errors on bad settings or a busy port."""
    try:
        settings = Settings.from_env()
    except AllyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        web.run_app(
            create_app(settings),
            host=settings.web_host,
            port=settings.web_port,
            access_log=None,
            print=None,
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"error: ALLY_WEB_PORT: port {settings.web_port} is already in use", file=sys.stderr
            )
            return 2
        raise
    return 0


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
