"""Steady load for the fault tests: simulated people who behave like the widget.

Each person keeps one conversation going for the whole run, one message at a time. Like the
widget (widget/src/chat.js), a person gives each message a client id, keeps it pending until the
web app acknowledges it, reconnects by itself when the connection drops, asks for the same
conversation again, and re-sends the pending message with the same id, marked ``resent``.
Every message records the replies that arrived while it was pending, so a test can check what
each one got, through any crash in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import socketio

from bot.bench.scripts import load_library

# How long one message may stay unacknowledged (a web app restart takes a few seconds).
ACK_TIMEOUT_SECONDS = 90.0
THINK_SECONDS = 0.4  # between an answer and the next message, as a person reads it


@dataclass
class SentMessage:
    """One message a person sent, and what came back while it was pending."""

    client_id: str
    text: str
    risk: bool
    sends: int = 0
    replies: list[str] = field(default_factory=list)
    acked: bool = False


@dataclass
class Plan:
    """What one person types, in a loop: a check-in script, maybe with a risk message in it."""

    turns: list[str]
    risk_turn: int | None


def plans(people: int, *, risk_every: int = 3) -> list[Plan]:
    """Return one plan per person; every ``risk_every``-th person (not the first) discloses risk."""
    library = load_library()
    scripts = [library["scripts"][name] for name in sorted(library["scripts"])]
    risks = itertools.cycle(library["risk_messages"])
    result = []
    for person in range(people):
        turns = list(scripts[person % len(scripts)])
        risk_turn = None
        if person % risk_every == risk_every - 1:
            risk_turn = 2
            turns[risk_turn] = next(risks)
        result.append(Plan(turns, risk_turn))
    return result


class Person:
    """One simulated person on the web app's socket.io endpoint (see the module docstring)."""

    def __init__(self, url: str, plan: Plan) -> None:
        self.url = url
        self.plan = plan
        self.conversation_id: str | None = None
        self.sent: list[SentMessage] = []
        self.reconnects = 0
        self.stray_replies: list[str] = []
        self.lost_conversations: list[str] = []  # new ids offered on reconnect: must stay empty
        self._pending: SentMessage | None = None
        self._acked = asyncio.Event()
        self._confirmed = asyncio.Event()
        self.sio = socketio.AsyncClient(
            reconnection=True,
            reconnection_attempts=0,  # forever, like the widget
            reconnection_delay=0.5,
            reconnection_delay_max=2,
            randomization_factor=0.2,
        )
        self.sio.on("connect", self._on_connect)
        self.sio.on("session_confirm", self._on_session_confirm)
        self.sio.on("bot_uttered", self._on_bot_uttered)

    @property
    def waiting(self) -> bool:
        """True while a sent message waits for its answer (a turn is in progress)."""
        return self._pending is not None and self._pending.sends > 0 and not self._pending.acked

    async def start(self) -> None:
        """Connect and get a conversation id."""
        await self.sio.connect(self.url, transports=["websocket"], wait_timeout=10)
        await asyncio.wait_for(self._confirmed.wait(), 15)

    async def _on_connect(self) -> None:
        if self.conversation_id is not None:
            self.reconnects += 1
        await self.sio.emit("session_request", {"session_id": self.conversation_id})

    async def _on_session_confirm(self, session_id: str) -> None:
        if self.conversation_id not in (None, session_id):
            # Raising here would only be logged by the socket.io client: record it for the test.
            self.lost_conversations.append(session_id)
            return
        self.conversation_id = session_id
        self._confirmed.set()
        if self._pending is not None and not self._pending.acked:
            await self._emit(self._pending)  # the widget's flushPending()

    async def _on_bot_uttered(self, payload: dict[str, Any]) -> None:
        text = str(payload.get("text", ""))
        if self._pending is not None and not self._pending.acked:
            self._pending.replies.append(text)
        else:
            self.stray_replies.append(text)

    async def _emit(self, message: SentMessage) -> None:
        payload: dict[str, Any] = {
            "message": message.text,
            "session_id": self.conversation_id,
            "message_id": message.client_id,
        }
        if message.sends:
            payload["resent"] = True
        message.sends += 1

        def on_ack(ack: Any = None) -> None:
            if isinstance(ack, dict) and ack.get("message_id") == message.client_id:
                message.acked = True
                self._acked.set()

        with contextlib.suppress(socketio.exceptions.SocketIOError):
            await self.sio.emit("user_uttered", payload, callback=on_ack)  # resent on reconnect

    async def say(self, text: str, *, risk: bool) -> SentMessage:
        """Send one message and wait for its acknowledgement (through any reconnects)."""
        message = SentMessage(client_id=uuid.uuid4().hex, text=text, risk=risk)
        self.sent.append(message)
        self._pending = message
        self._acked.clear()
        if self.sio.connected:
            await self._emit(message)
        with contextlib.suppress(asyncio.TimeoutError):  # the test counts it: acked stays False
            await asyncio.wait_for(self._acked.wait(), ACK_TIMEOUT_SECONDS)
        await asyncio.sleep(0.1)  # the last replies of the turn arrive just after its ack
        return message

    async def run(self, until: float) -> None:
        """Type the plan in a loop until the monotonic time ``until``."""
        for index in itertools.cycle(range(len(self.plan.turns))):
            if time.monotonic() >= until:
                return
            message = await self.say(self.plan.turns[index], risk=index == self.plan.risk_turn)
            if not message.acked:
                return  # no point typing on: the test fails on it
            await asyncio.sleep(THINK_SECONDS)

    async def close(self) -> None:
        """Disconnect for good."""
        with contextlib.suppress(Exception):
            await self.sio.disconnect()
