"""A local durable spool for escalations that could not reach the database.

Append-only JSON lines, fsynced before ``append`` returns. ``replay`` feeds every spooled record
to the database through the same idempotent function the live path uses (keyed by message id),
so a record replayed twice, or replayed after the live path also succeeded, is stored once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class Spool:
    """A file of pending records, safe to use from several threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        """Durably add one record: written and fsynced before this returns."""
        line = json.dumps(record) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)

    def depth(self) -> int:
        """Return how many records are waiting."""
        with self._lock:
            return len(self._read())

    def _read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        records = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                # A torn last line (crash mid-write) is the only way to get here; it was never
                # acknowledged as spooled, so the caller still holds it.
                logger.error("skipping unreadable spool line %d in %s", number, self.path)
        return records

    def replay(self, store: Callable[[dict[str, Any]], None]) -> int:
        """Call ``store`` for each record in order and return how many were stored.

        Stops at the first failure (the database is probably still down) and keeps that record
        and every later one, in order.
        """
        with self._lock:
            records = self._read()
            stored = 0
            for record in records:
                try:
                    store(record)
                except Exception as exc:  # any failure means "try again later"
                    logger.warning("spool replay paused: %s", type(exc).__name__)
                    break
                stored += 1
            self._rewrite(records[stored:])
            return stored

    def _rewrite(self, remaining: list[dict[str, Any]]) -> None:
        if not remaining:
            if self.path.exists():
                self.path.unlink()
            return
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for record in remaining:
                handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
