"""Run test cases against a running stack: each in a fresh conversation, several at a time."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.dialogue.messages import load_messages
from bot.errors import RasaUnavailableError
from bot.storage.engine import Database
from bot.testing.cases import TestCase
from bot.testing.matching import StepFailure, evaluate
from bot.testing.observed import Turn, assign_escalations, assign_signals, split_turns
from bot.testing.rasa_client import RasaClient
from bot.testing.records import escalation_records, insert_history, signal_records

RUN_RECORD_VERSION = 1


@dataclass
class CaseResult:
    """The outcome of one test case."""

    case: TestCase
    conversation_id: str
    seconds: float
    failure: StepFailure | None = None
    error: str | None = None  # the case could not run to the end (fixtures, Rasa errors)
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every step held."""
        return self.failure is None and self.error is None

    def problem(self) -> str:
        """What went wrong, in one or two lines ("" when it passed)."""
        if self.error is not None:
            return f"error: {self.error}"
        return self.failure.describe() if self.failure is not None else ""


def message_templates() -> dict[str, str]:
    """Texts of the messages custom actions send, by key, for ``utter`` steps."""
    return {key: str(message["text"]) for key, message in load_messages().items()}


def new_conversation_id() -> str:
    """A fresh, random conversation id, so no case sees another's state."""
    return f"e2e-{uuid.uuid4().hex}"


async def run_cases(
    cases: Sequence[TestCase],
    *,
    rasa: RasaClient,
    database: Database,
    concurrency: int = 4,
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Run ``cases`` (at most ``concurrency`` at once) and return results in the input order.

    Raises:
        RasaUnavailableError: when Rasa cannot be reached before the first case starts.
    """
    await rasa.check()
    templates = message_templates()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: TestCase) -> CaseResult:
        async with gate:
            result = await run_case(case, rasa=rasa, database=database, templates=templates)
        if on_result is not None:
            on_result(result)
        return result

    return list(await asyncio.gather(*(one(case) for case in cases)))


async def run_case(
    case: TestCase, *, rasa: RasaClient, database: Database, templates: dict[str, str]
) -> CaseResult:
    """Run one test case in a new conversation and check its steps."""
    conversation_id = new_conversation_id()
    started = time.monotonic()
    result = CaseResult(case, conversation_id, 0.0)
    turns: list[Turn] = []
    try:
        await _apply_fixtures(case, conversation_id, rasa, database)
        for text in case.user_turns:
            message_id = uuid.uuid4().hex
            sent_at = time.time()
            await rasa.send(conversation_id, text, {"message_id": message_id})
            turns.append(Turn(text, message_id, sent_at, time.time()))
        tracker = await rasa.tracker(conversation_id)
        result.events = list(tracker.get("events") or [])
        split_turns(result.events, turns)
        assign_escalations(
            turns, await database.run(escalation_records, conversation_id=conversation_id)
        )
        assign_signals(turns, await database.run(signal_records, conversation_id=conversation_id))
        result.failure = evaluate(case, turns, templates)
    except (RasaUnavailableError, _FixtureError) as exc:
        result.error = str(exc)
    except Exception as exc:  # A database fault: report it on the case, keep the other cases.
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = time.monotonic() - started
    return result


class _FixtureError(Exception):
    """A fixture could not be applied."""


async def _apply_fixtures(
    case: TestCase, conversation_id: str, rasa: RasaClient, database: Database
) -> None:
    if case.fixtures.history:
        try:
            await database.run(
                insert_history, conversation_id=conversation_id, history=case.fixtures.history
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise _FixtureError(f"fixtures.history: {exc}") from None
    if case.fixtures.slots:
        await rasa.set_slots(conversation_id, case.fixtures.slots)


def write_run_record(results: Sequence[CaseResult], directory: Path, rasa_url: str) -> Path:
    """Write one JSON record of the run (with every tracker event seen) for ``ally coverage``."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    path = directory / f"run-{now:%Y%m%dT%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:6]}.json"
    record = {
        "version": RUN_RECORD_VERSION,
        "finished_at": now.isoformat(),
        "rasa_url": rasa_url,
        "cases": [
            {
                "test_case": r.case.name,
                "file": r.case.file,
                "conversation_id": r.conversation_id,
                "passed": r.passed,
                "problem": r.problem(),
                "seconds": round(r.seconds, 3),
                "events": r.events,
            }
            for r in results
        ],
    }
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path
