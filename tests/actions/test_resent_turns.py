"""A re-sent message Rasa already holds is answered from the tracker (bot/nlu/resent_turns.py).

The agent is a stand-in with Rasa's real lock store, trackers and output channel; its processor
records what it was asked to handle.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.resent_turns import handle_message_once


class Processor:
    """Handles a message slowly, storing it and a reply in the tracker at the end."""

    def __init__(self) -> None:
        self.tracker = DialogueStateTracker("c1", [])
        self.handled: list[str] = []

    async def get_tracker(self, sender_id: str) -> DialogueStateTracker:
        return self.tracker

    async def handle_message(self, message: UserMessage) -> Any:
        self.handled.append(message.metadata["message_id"])
        await asyncio.sleep(0.2)
        self.tracker.update(UserUttered(message.text, metadata=message.metadata))
        reply = f"reply to {message.text}"
        self.tracker.update(BotUttered(reply, {"buttons": [{"title": "ok", "payload": "/ok"}]}))
        await message.output_channel.send_response(message.sender_id, {"text": reply})
        return message.output_channel.messages


class FakeAgent:
    def __init__(self) -> None:
        self.processor = Processor()
        self.lock_store = InMemoryLockStore()

    def is_ready(self) -> bool:
        return True


def message(text: str, message_id: str, *, resent: bool) -> UserMessage:
    metadata: dict[str, Any] = {"message_id": message_id}
    if resent:
        metadata["resent"] = True
    return UserMessage(text, CollectingOutputChannel(), "c1", metadata=metadata)


def test_a_resend_during_the_first_attempt_is_answered_from_the_tracker() -> None:
    agent = FakeAgent()

    async def scenario() -> tuple[Any, Any]:
        first = asyncio.ensure_future(
            handle_message_once(agent, message("hi", "m1", resent=False))  # type: ignore[arg-type]
        )
        await asyncio.sleep(0.05)  # the first attempt holds the conversation's lock
        again = await handle_message_once(agent, message("hi", "m1", resent=True))  # type: ignore[arg-type]
        return await first, again

    first, again = asyncio.run(scenario())
    assert agent.processor.handled == ["m1"], "processed once"
    assert first == [{"recipient_id": "c1", "text": "reply to hi"}]
    assert again == [
        {
            "recipient_id": "c1",
            "text": "reply to hi",
            "buttons": [{"title": "ok", "payload": "/ok"}],
        }
    ]


def test_a_resend_rasa_never_got_is_processed() -> None:
    agent = FakeAgent()
    replies = asyncio.run(
        handle_message_once(agent, message("hello", "m2", resent=True))  # type: ignore[arg-type]
    )
    assert agent.processor.handled == ["m2"]
    assert replies == [{"recipient_id": "c1", "text": "reply to hello"}]


def test_a_new_message_with_a_known_id_is_not_checked_without_the_resent_flag() -> None:
    agent = FakeAgent()
    asyncio.run(handle_message_once(agent, message("hi", "m1", resent=False)))  # type: ignore[arg-type]
    asyncio.run(handle_message_once(agent, message("hi", "m1", resent=False)))  # type: ignore[arg-type]
    assert agent.processor.handled == ["m1", "m1"]
