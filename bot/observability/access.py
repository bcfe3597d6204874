"""Who may read ``/metrics``: loopback without a token, anyone else only with the bearer token.

A request that came through a reverse proxy (it carries a forwarding header) is not treated as
loopback even when the proxy runs on the same machine, so a local proxy cannot open the metrics
to the internet.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from enum import Enum

FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


class MetricsAccess(Enum):
    """The answer for one request."""

    ALLOWED = "allowed"
    # No token is configured: the endpoint does not exist for this caller (404).
    HIDDEN = "hidden"
    # A token is configured but the request did not carry it (401).
    UNAUTHORIZED = "unauthorized"


def is_loopback(remote: str | None) -> bool:
    """Return True when ``remote`` is a loopback address (IPv4, IPv6 or v4-mapped)."""
    if not remote:
        return False
    try:
        address = ipaddress.ip_address(remote.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def metrics_access(remote: str | None, headers: Mapping[str, str], token: str) -> MetricsAccess:
    """Decide whether a request may read the metrics.

    Args:
        remote: the peer address of the connection.
        headers: the request headers (case-insensitive mapping).
        token: the configured ``ALLY_METRICS_TOKEN``; empty when none is set.
    """
    proxied = any(headers.get(name) for name in FORWARDING_HEADERS)
    if is_loopback(remote) and not proxied:
        return MetricsAccess.ALLOWED
    if not token:
        return MetricsAccess.HIDDEN
    scheme, _, sent = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode()):
        return MetricsAccess.ALLOWED
    return MetricsAccess.UNAUTHORIZED
