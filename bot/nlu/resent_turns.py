"""A re-sent message that Rasa already holds is answered from the tracker, under the lock.

The web app marks a message the widget sent again (``resent`` in the message metadata, with
its ``message_id``) and first looks for it in the tracker itself (bot/web/resends.py). That
look is not locked: if Rasa is still working on the first attempt (the web app died in the
middle of the turn and came back before Rasa finished it), the message is not there yet, and
the re-send used to be processed a second time once the first attempt released the
conversation's lock.

Here Rasa checks again once it holds the lock: a re-sent message whose id the tracker already
holds gets the bot messages that followed it there, sent to the channel as they were, and is
not processed again. Everything else (no ``resent`` flag, no message id, a message Rasa never
got) is handled by Rasa's own ``Agent.handle_message``; the extra tracker read happens only for
re-sends.
"""

from __future__ import annotations

from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.trackers import EventVerbosity

from bot.web.resends import replies_after

_original_handle_message = Agent.handle_message


async def handle_message_once(self: Agent, message: UserMessage) -> Any:
    """``Agent.handle_message``, answering a re-sent message from the tracker if it is there."""
    metadata = message.metadata if isinstance(message.metadata, dict) else {}
    message_id = metadata.get("message_id")
    if metadata.get("resent") is not True or not isinstance(message_id, str):
        return await _original_handle_message(self, message)
    if not self.is_ready() or self.processor is None:
        return await _original_handle_message(self, message)
    async with self.lock_store.lock(message.sender_id):
        tracker = await self.processor.get_tracker(message.sender_id)
        replies = replies_after(tracker.current_state(EventVerbosity.ALL), message_id)
        if replies is None:  # Rasa never got it: process it now, still under the lock
            return await self.processor.handle_message(message)
        for reply in replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))
        if isinstance(message.output_channel, CollectingOutputChannel):
            return message.output_channel.messages
        return None


def install_resent_turns() -> None:
    """Make ``Agent.handle_message`` answer re-sent messages it already holds."""
    Agent.handle_message = handle_message_once  # type: ignore[method-assign]


def uninstall_resent_turns() -> None:
    """Restore Rasa's own ``Agent.handle_message`` (tests)."""
    Agent.handle_message = _original_handle_message  # type: ignore[method-assign]
