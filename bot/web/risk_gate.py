"""The web app's risk layer: decide every message, and commit any escalation before anything else.

Each message is decided in its conversation (bot/risk/tiers.py): the rules, the learned
classifier and the person's recent messages give ``escalate``, ``ask`` or ``none``. What the
gate remembers between messages is text-free (bot/risk/watch.py); an unanswered question is
also in the database (``risk_asks``), so an answer still counts after a restart.

If the database is unreachable the escalation goes to the durable spool, which a background
task replays into the database (idempotently, by message id) once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from bot.risk import RiskAssessment, get_detector
from bot.risk.asking import decide_answer
from bot.risk.learning import get_classifier
from bot.risk.tiers import RiskDecision, decide, rating_in, rules_only
from bot.risk.watch import ASK_VALID_SECONDS, PendingAsk, Watch, WatchStore, now
from bot.storage.engine import Database
from bot.storage.escalations import (
    FlaggedMessage,
    excerpt_around,
    has_open_escalation,
    record,
    record_flagged_message,
)
from bot.storage.risk_asks import open_ask, record_answer, record_ask
from bot.storage.spool import Spool

logger = logging.getLogger(__name__)
REPLAY_INTERVAL_SECONDS = 2.0
# The detector reads at most this much of one message; the widget never sends more.
MAX_ASSESSED_CHARS = 200_000


@dataclass(frozen=True)
class GateDecision:
    """A message's decision, and what it answered: Ally's question (``answer``), if it did."""

    decision: RiskDecision
    answer: str | None = None

    @property
    def assessment(self) -> RiskAssessment:
        """What escalates (``risk`` True exactly on ``escalate``)."""
        return self.decision.assessment

    def metadata(self) -> dict[str, Any]:
        """The ``risk`` metadata Rasa's RiskOverride reads."""
        data = self.decision.to_dict()
        if self.answer is not None:
            data["ask_answer"] = self.answer
        return data


def _warm() -> None:
    get_detector()
    get_classifier()


class RiskGate:
    """Decisions and escalation for the web app; one per app, owned through cleanup_ctx."""

    def __init__(self, database: Database, spool: Spool) -> None:
        self._database = database
        self.spool = spool
        self.watches = WatchStore()
        # One thread: the spaCy pipeline is not documented as thread-safe, and this keeps the
        # detector's and the classifier's CPU work off the event loop.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ally-risk")

    async def warm_up(self) -> None:
        """Build the detector and load the classifier now, so the first person does not wait."""
        await asyncio.get_running_loop().run_in_executor(self._executor, _warm)

    async def assess(self, text: str) -> RiskAssessment:
        """The escalating assessment of one message on its own (no conversation)."""
        return (await self.decide_alone(text)).assessment

    async def decide_alone(self, text: str) -> RiskDecision:
        """Decide one message without its conversation, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, _decide_safely, text[:MAX_ASSESSED_CHARS], None
        )

    async def decide(self, conversation_id: str, message_id: str, text: str) -> GateDecision:
        """Decide one message in its conversation, and remember what the next one needs.

        An answer to Ally's question is read as one (bot/risk/asking.py) and recorded; a new
        question is recorded (no text) before Rasa asks it.
        """
        watch = self.watches.get(conversation_id)
        if watch is None:
            watch = Watch(pending=await self._open_ask(conversation_id))
        text = text[:MAX_ASSESSED_CHARS]
        pending = watch.pending if watch.pending and watch.pending.valid(now()) else None
        loop = asyncio.get_running_loop()
        if pending is not None:
            decision, answer = await loop.run_in_executor(
                self._executor, _decide_answer_safely, text, watch, pending.category
            )
            await self._record_answer(pending, answer or "other")
            context = watch.context
            if answer == "no":
                context = replace(context, watched=True)
        else:
            decision = await loop.run_in_executor(self._executor, _decide_safely, text, watch)
            answer, context = None, watch.context
        rating = rating_in(text)
        context = context.after(decision.signals, mood=rating)
        new_pending = None
        if decision.action == "ask":
            ask_id = await self._record_ask(conversation_id, message_id, decision)
            new_pending = PendingAsk(ask_id, decision.category, now())
        self.watches.put(conversation_id, Watch(context=context, pending=new_pending))
        return GateDecision(decision, answer)

    async def _open_ask(self, conversation_id: str) -> PendingAsk | None:
        try:
            found = await self._database.run(
                open_ask, conversation_id=conversation_id,
                within=timedelta(seconds=ASK_VALID_SECONDS),
            )  # fmt: skip
        except Exception as exc:
            logger.warning("could not read an open risk question: %s", type(exc).__name__)
            return None
        return None if found is None else PendingAsk(found.id, found.category, now())

    async def _record_ask(
        self, conversation_id: str, message_id: str, decision: RiskDecision
    ) -> int | None:
        try:
            ask_id = await self._database.run(
                record_ask, conversation_id=conversation_id, message_id=message_id,
                score=decision.score, raised=decision.raised, category=decision.category,
            )  # fmt: skip
        except Exception as exc:  # the question is still asked; only the research row is lost
            logger.error("risk question not recorded: %s", type(exc).__name__)
            return None
        logger.info("risk question asked (message_id=%s, score=%.3f, raised=%s)",
                    message_id, decision.score, decision.raised)  # fmt: skip
        return int(ask_id)

    async def _record_answer(self, pending: PendingAsk, answer: str) -> None:
        logger.info("risk question answered (answer=%s)", answer)
        if pending.ask_id is None:
            return
        try:
            await self._database.run(record_answer, ask_id=pending.ask_id, answer=answer)
        except Exception as exc:
            logger.error("risk answer not recorded: %s", type(exc).__name__)

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


def _decide_safely(text: str, watch: Watch | None) -> RiskDecision:
    """The decision; the rules alone (escalating any match) if the classifier fails."""
    try:
        return decide(text, watch.context if watch else None)
    except Exception as exc:
        logger.error("risk decision failed, rules alone: %s", type(exc).__name__)
        return rules_only(text)


def _decide_answer_safely(
    text: str, watch: Watch, category: str | None
) -> tuple[RiskDecision, str | None]:
    try:
        return decide_answer(text, watch.context, category)
    except Exception as exc:
        logger.error("risk decision failed, rules alone: %s", type(exc).__name__)
        return rules_only(text), None


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
