"""Conversation ids issued and signed by the web app, so a client cannot pick someone else's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_SEPARATOR = "."


def _signature(secret: str, token: str) -> str:
    digest = hmac.new(secret.encode(), f"session:{token}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def issue_session_id(secret: str) -> str:
    """Return a new random conversation id carrying its own signature."""
    token = secrets.token_urlsafe(18)
    return f"{token}{_SEPARATOR}{_signature(secret, token)}"


def is_issued(secret: str, session_id: object) -> bool:
    """Return True only for an id this web app issued with ``secret``."""
    if not isinstance(session_id, str) or len(session_id) > 128:
        return False
    token, _, signature = session_id.partition(_SEPARATOR)
    if not token or not signature:
        return False
    return hmac.compare_digest(signature, _signature(secret, token))
