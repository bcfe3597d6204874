"""Child processes of the topology."""

from __future__ import annotations

import contextlib
import ctypes
import signal


def die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies, so no orphan keeps a port."""
    with contextlib.suppress(Exception):  # Linux only; elsewhere the child simply outlives us
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
