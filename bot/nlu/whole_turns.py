"""A turn Rasa has accepted is finished and saved, even when the caller stops waiting.

Sanic cancels a request's handler when the client closes the connection. The web app closes it
when Rasa takes longer than ``ALLY_RASA_TIMEOUT`` (for example while a custom action hangs), and
Rasa then stopped in the middle of the turn: the person's message never reached the tracker
store, while the custom actions that had run may already have written their rows. The fault
test that hangs the action server found it (tests/faults/test_default_faults.py).

Here ``Agent.handle_message`` runs in a task of its own that the request's cancellation does
not reach (``asyncio.shield``): the turn ends as it would have, the tracker is saved and the
conversation's lock released as usual. Its replies go nowhere (the caller has gone; the web app
has told the person that something went wrong). A task that fails after its caller left is
logged (the exception's type, never the message).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa.core.agent import Agent

logger = logging.getLogger(__name__)
T = TypeVar("T")

_replaced: list[Any] = []  # what install_whole_turns wrapped, for uninstall
_unfinished: set[asyncio.Task[Any]] = set()  # asyncio keeps only weak references to tasks


def _finished_alone(task: asyncio.Task[Any]) -> None:
    _unfinished.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("a turn failed after its caller left: %s", type(task.exception()).__name__)


def run_to_the_end(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Wrap a coroutine function so that cancelling its caller does not cancel it."""

    @functools.wraps(fn)
    async def shielded(*args: Any, **kwargs: Any) -> T:
        task = asyncio.ensure_future(fn(*args, **kwargs))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():  # the caller left: keep the turn alive until it ends
                _unfinished.add(task)
                task.add_done_callback(_finished_alone)
            raise

    return shielded


def install_whole_turns() -> None:
    """Make ``Agent.handle_message`` (whatever it is now) finish every turn it starts."""
    _replaced.append(Agent.handle_message)
    Agent.handle_message = run_to_the_end(Agent.handle_message)  # type: ignore[method-assign]


def uninstall_whole_turns() -> None:
    """Restore what ``Agent.handle_message`` was before :func:`install_whole_turns` (tests)."""
    if _replaced:
        Agent.handle_message = _replaced.pop()  # type: ignore[method-assign]
