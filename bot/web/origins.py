"""Which browser origins may open the widget's socket.io connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

OriginCheck = Callable[[str, dict[str, Any]], bool]


def socketio_origins(allowed: Sequence[str]) -> OriginCheck:
    """Return python-socketio's ``cors_allowed_origins`` for Ally: own origin plus ``allowed``.

    Never pass ``[]`` to python-socketio: an empty list switches its Origin check off entirely.
    Clients that send no Origin (non-browser clients, tests) are not affected by the check.
    """
    extra = frozenset(origin.rstrip("/") for origin in allowed)

    def check(origin: str, environ: dict[str, Any]) -> bool:
        return origin in extra or origin in _own_origins(environ)

    return check


def _own_origins(environ: dict[str, Any]) -> set[str]:
    host = environ.get("HTTP_HOST", "")
    scheme = environ.get("wsgi.url_scheme", "http")
    own = {f"{scheme}://{host}"}
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
    forwarded_proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
    own.add(f"{forwarded_proto}://{forwarded_host}")
    return own
