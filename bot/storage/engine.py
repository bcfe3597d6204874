"""Engine factory and the off-loop runner that async code uses for database work."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.errors import ConfigError

T = TypeVar("T")


def create_engine(url: str) -> Engine:
    """Create an engine for ``url`` with settings that suit Ally's concurrent writers.

    Raises:
        ConfigError: when the URL cannot be used (unknown driver, unreachable folder).
    """
    try:
        parsed = sa.engine.make_url(url)
        parsed.get_dialect()
    except Exception as exc:  # SQLAlchemy raises several types here; all mean a bad URL.
        raise ConfigError("ALLY_DATABASE_URL", f"cannot use database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # QueuePool keeps connections open (SQLAlchemy 2's default for a file; 1.4, which the
        # action server runs under Rasa's pin, would open one per transaction: about 0.6 ms).
        pool = sa.pool.QueuePool if parsed.database not in (None, "", ":memory:") else None
        engine = sa.create_engine(
            url,
            future=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            **({"poolclass": pool} if pool else {}),
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web app and the action server write the same file without blocking readers.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """An engine plus a small thread pool, so async callers never block their event loop."""

    def __init__(self, engine: Engine, *, workers: int = 4) -> None:
        self.engine = engine
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ally-db")

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Build a database for ``url``."""
        return cls(create_engine(url))

    def run_sync(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run ``fn(connection, **kwargs)`` in one transaction and return its result."""
        with self.engine.begin() as connection:
            return fn(connection, **kwargs)

    async def run(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run ``fn(connection, **kwargs)`` in one transaction on the pool, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, functools.partial(self.run_sync, fn, **kwargs)
        )

    def close(self) -> None:
        """Release the pool and every pooled connection."""
        self._pool.shutdown(wait=True)
        self.engine.dispose()


__all__ = ["Connection", "Database", "create_engine"]
