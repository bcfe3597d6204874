"""Rasa's REST channel with the request body checked before Rasa sees it.

Stock ``RestInput`` answers 500 to a body that is valid JSON but not an object (``[]``,
``null``, ``""``), records a non-string ``message`` as a failed turn while logging its text,
and leaves a ``?stream=true`` request hanging for the response timeout. This channel refuses
such bodies with a 400 and a one-line JSON error, and logs no message text. Registered in
``credentials.yml`` as ``bot.channels.rest.ValidatingRestInput``; the URL is unchanged
(``/webhooks/rest/webhook``) because ``name()`` is still ``"rest"``.

This module runs inside Rasa's process, so unlike the rest of ``bot/`` it imports rasa.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 256
# Lone surrogates cannot be encoded as UTF-8 (the web app drops them before forwarding).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def body_error(raw: bytes) -> str | None:
    """Return why a webhook body is refused, or None when Rasa may have it."""
    if len(raw) > MAX_BODY_BYTES:
        return f"body is larger than {MAX_BODY_BYTES} bytes"
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "body must be valid UTF-8 JSON"
    except RecursionError:
        return "body is nested too deeply"
    if not isinstance(body, dict):
        return "body must be a JSON object"
    sender, message = body.get("sender"), body.get("message")
    if sender is not None and (not isinstance(sender, str) or len(sender) > MAX_SENDER_CHARS):
        return f"sender must be a string of at most {MAX_SENDER_CHARS} characters"
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        return f"message must be a string of at most {MAX_MESSAGE_CHARS} characters"
    if _LONE_SURROGATE.search(message) or (sender and _LONE_SURROGATE.search(sender)):
        return "sender and message must not contain unpaired surrogates"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return "metadata must be an object"
    return None


class ValidatingRestInput(RestInput):
    """``RestInput`` that answers 400 to a malformed body instead of a 500 or a hang."""

    @classmethod
    def name(cls) -> str:
        """Keep the stock channel's name, and so its URL."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Return the stock blueprint with the body check in front of its webhook."""
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def check_body(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            problem = body_error(request.body or b"")
            if problem is None:
                return None
            logger.warning("REST webhook body refused: %s", problem)  # never the text
            return response.json({"error": problem}, status=400)

        return blueprint
