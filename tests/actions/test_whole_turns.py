"""A turn whose caller stops waiting still runs to its end (bot/nlu/whole_turns.py)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.agent import Agent

from bot.nlu import whole_turns
from bot.nlu.whole_turns import install_whole_turns, run_to_the_end, uninstall_whole_turns


def test_cancelling_the_caller_does_not_cancel_the_turn() -> None:
    steps: list[str] = []

    async def turn(name: str) -> str:
        steps.append(f"{name} started")
        await asyncio.sleep(0.2)
        steps.append(f"{name} saved")
        return name

    async def scenario() -> None:
        caller = asyncio.ensure_future(run_to_the_end(turn)("left"))
        await asyncio.sleep(0.05)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert steps == ["left started"]
        await asyncio.sleep(0.3)
        assert await run_to_the_end(turn)("stayed") == "stayed"

    asyncio.run(scenario())
    assert steps == ["left started", "left saved", "stayed started", "stayed saved"]
    assert not whole_turns._unfinished


def test_a_turn_failing_after_its_caller_left_is_logged_without_its_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def turn() -> None:
        await asyncio.sleep(0.1)
        raise ValueError("i feel awful today")

    async def scenario() -> None:
        caller = asyncio.ensure_future(run_to_the_end(turn)())
        await asyncio.sleep(0.02)
        caller.cancel()
        await asyncio.sleep(0.2)

    with caplog.at_level(logging.ERROR, logger="bot.nlu.whole_turns"):
        asyncio.run(scenario())
    assert "a turn failed after its caller left: ValueError" in caplog.text
    assert "awful" not in caplog.text


def test_install_wraps_agent_handle_message_and_uninstall_restores_it() -> None:
    original = Agent.handle_message
    install_whole_turns()
    try:
        assert Agent.handle_message is not original
        assert Agent.handle_message.__wrapped__ is original  # type: ignore[attr-defined]
    finally:
        uninstall_whole_turns()
    assert Agent.handle_message is original
