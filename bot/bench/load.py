"""The closed-loop load: each simulated person sends a turn, waits for the answer, sends the next.

The runner knows nothing of socket.io or REST: a target opens one :class:`Conversation` per
person. It records every turn's latency (send to first reply), errors, and for risk turns the
moment the message was sent, so the caller can match the supporter's escalation event to it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.bench.scripts import Script
from bot.bench.stats import LatencySummary

# Pause after each answer before the next turn, for every target alike. The web app emits a
# turn's messages back to back; this is also how long the client waits for the last of them.
READ_PAUSE_SECONDS = 0.05
TURN_TIMEOUT_SECONDS = 30.0


class TurnFailedError(Exception):
    """A turn got no answer, a wrong answer, or the connection failed."""


class Conversation(Protocol):
    """One person's connection to the bot under test."""

    conversation_id: str

    async def say(self, text: str, *, risk: bool) -> list[dict[str, Any]]:
        """Send one message and return the bot's answer (raise TurnFailedError if none)."""

    async def close(self) -> None:
        """Disconnect."""


OpenConversation = Callable[[int], Awaitable[Conversation]]


@dataclass
class RunResult:
    """What one load run measured."""

    people: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    risk_sent: dict[str, float] = field(default_factory=dict)  # conversation id -> monotonic
    started: float = 0.0
    finished: float = 0.0

    @property
    def duration(self) -> float:
        """Seconds from the first person starting to the last one finishing."""
        return self.finished - self.started

    @property
    def turns(self) -> int:
        """Turns answered."""
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        """Answered turns per second of wall time."""
        return self.turns / self.duration if self.duration > 0 else 0.0

    def summary(self) -> LatencySummary | None:
        """Percentiles of the turn latencies."""
        return LatencySummary.of(self.latencies)


async def run_person(
    script: Script, conversation: Conversation, result: RunResult, *, pause: float
) -> None:
    """Play one script; a failed turn is counted and the person carries on."""
    for index, text in enumerate(script.turns):
        risk = index == script.risk_turn
        sent = time.monotonic()
        if risk:
            result.risk_sent[conversation.conversation_id] = sent
        try:
            await asyncio.wait_for(conversation.say(text, risk=risk), TURN_TIMEOUT_SECONDS)
        except (TurnFailedError, asyncio.TimeoutError, OSError) as exc:
            result.errors.append(f"{script.name} turn {index + 1}: {type(exc).__name__} {exc}")
            continue
        result.latencies.append(time.monotonic() - sent)
        await asyncio.sleep(pause)


async def run_load(
    scripts: list[Script], open_conversation: OpenConversation, *, pause: float = READ_PAUSE_SECONDS
) -> RunResult:
    """Connect every person first, then run all scripts concurrently (closed loop)."""
    result = RunResult(people=len(scripts))
    conversations: list[Conversation] = []
    try:
        for person in range(len(scripts)):
            conversations.append(await open_conversation(person))
        result.started = time.monotonic()
        await asyncio.gather(
            *(
                run_person(script, conversation, result, pause=pause)
                for script, conversation in zip(scripts, conversations, strict=True)
            )
        )
        result.finished = time.monotonic()
    finally:
        await asyncio.gather(*(c.close() for c in conversations), return_exceptions=True)
    return result
