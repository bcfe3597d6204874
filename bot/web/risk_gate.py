"""The web app's risk layer: assess every message, and commit any escalation before anything else.

If the database is unreachable the escalation goes to the durable spool, which a background
task replays into the database (idempotently, by message id) once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.risk import RiskAssessment, get_detector
from bot.storage.engine import Database
from bot.storage.escalations import (
    FlaggedMessage,
    excerpt_around,
    has_open_escalation,
    record,
    record_flagged_message,
)
from bot.storage.spool import Spool

logger = logging.getLogger(__name__)
REPLAY_INTERVAL_SECONDS = 2.0
# The detector reads at most this much of one message; the widget never sends more.
MAX_ASSESSED_CHARS = 200_000


class RiskGate:
    """Assessment and escalation for the web app; one per app, owned through cleanup_ctx."""

    def __init__(self, database: Database, spool: Spool) -> None:
        self._database = database
        self.spool = spool
        # One thread: the spaCy pipeline is not documented as thread-safe, and this keeps the
        # detector's CPU work off the event loop.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ally-risk")

    async def warm_up(self) -> None:
        """Build the detector now, so the first person does not wait for it."""
        await asyncio.get_running_loop().run_in_executor(self._executor, get_detector)

    async def assess(self, text: str) -> RiskAssessment:
        """Assess one message off the event loop."""
        detector = get_detector()
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, detector.assess, text[:MAX_ASSESSED_CHARS]
        )

    async def escalate(
        self, *, conversation_id: str, message_id: str, text: str, assessment: RiskAssessment
    ) -> str:
        """Commit the escalation (database, else spool) and return where it went."""
        first = assessment.matches[0] if assessment.matches else None
        message = FlaggedMessage(
            conversation_id=conversation_id,
            message_id=message_id,
            severity=assessment.severity,
            categories=list(assessment.categories),
            matches=[m.to_dict() for m in assessment.matches],
            excerpt=excerpt_around(text, first.start, first.end) if first else text[:280],
            source="web",
        )
        try:
            await record(self._database, message)
            return "database"
        except Exception as exc:  # any database failure: the spool must take it
            logger.error("escalation to spool, database failed: %s", type(exc).__name__)
            await asyncio.get_running_loop().run_in_executor(
                None, self.spool.append, message.to_json()
            )
            return "spool"

    async def escalation_open(self, conversation_id: str) -> bool | None:
        """Return whether the conversation has an open escalation; None if unknown."""
        try:
            return await self._database.run(has_open_escalation, conversation_id=conversation_id)
        except Exception as exc:
            logger.warning("could not read escalation state: %s", type(exc).__name__)
            return None

    def _store_spooled(self, record_json: dict[str, Any]) -> None:
        self._database.run_sync(
            record_flagged_message,
            message=FlaggedMessage.from_json({**record_json, "source": "spool"}),
        )

    async def replay_spool(self) -> int:
        """Move spooled escalations into the database; return how many were stored."""
        if not self.spool.path.exists():
            return 0
        stored = await asyncio.get_running_loop().run_in_executor(
            None, self.spool.replay, self._store_spooled
        )
        if stored:
            logger.info("replayed %d spooled escalation(s) into the database", stored)
        return stored

    async def replay_forever(self) -> None:
        """Replay the spool every few seconds until cancelled."""
        while True:
            with contextlib.suppress(Exception):
                await self.replay_spool()
            await asyncio.sleep(REPLAY_INTERVAL_SECONDS)

    def close(self) -> None:
        """Stop the detector thread."""
        self._executor.shutdown(wait=False)


async def risk_gate_ctx(gate: RiskGate) -> AsyncIterator[None]:
    """Warm the detector, replay any spool left from before, and keep replaying."""
    await gate.warm_up()
    await gate.replay_spool()
    task = asyncio.create_task(gate.replay_forever())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    gate.close()
