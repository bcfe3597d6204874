"""The due check-in offer on the real stack: widget opens, offer arrives, start begins it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.clock import utcnow
from bot.dialogue import messages
from bot.storage.engine import Database
from bot.storage.schedule import schedule_checkin
from bot.storage.tables import scheduled_checkins
from tests.integration.clients import Person
from tests.integration.conftest import Stack

pytestmark = pytest.mark.slow


def _status(database: Database, booking: int) -> str:
    def read(connection: Any) -> str:
        query = sa.select(scheduled_checkins.c.status).where(scheduled_checkins.c.id == booking)
        return str(connection.execute(query).scalar_one())

    return str(database.run_sync(read))


async def test_a_due_check_in_is_offered_when_the_widget_opens(stack: Stack) -> None:
    earlier, person = Person(), Person()
    history: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    person.sio.on("ally_history", history.put)
    database = Database.from_url(stack.database_url)
    try:
        # An earlier visit (Rasa only knows conversations that have said something).
        session_id = await earlier.start(stack.web_url)
        await earlier.say("are you a bot?", expect=1)
        await earlier.close()
        booking = int(
            database.run_sync(
                schedule_checkin,
                conversation_id=session_id,
                due_at=utcnow() - timedelta(days=1),
            )
        )
        # The widget opens again after the due time.
        assert await person.start(stack.web_url, session_id) == session_id
        await person.sio.emit("ally_history_request", {"session_id": session_id})
        await asyncio.wait_for(history.get(), 60)
        offer = await asyncio.wait_for(person.uttered.get(), 60)
        assert offer["text"].startswith("Welcome back. Your check-in was due on ")
        assert offer["text"].endswith(". Shall we start?")
        assert [r["payload"] for r in offer["quick_replies"]] == ["/start_checkin", "/deny"]
        assert _status(database, booking) == "offered"

        replies = await person.say_until_quiet("/start_checkin")
        texts = [r.get("text", "") for r in replies]
        assert "(not a person)" in texts[0], texts
        assert texts[-1] == messages.text("ask_mood_rating")
        await person.say_until_quiet("6")
        assert _status(database, booking) == "kept"
    finally:
        await person.close()
        database.close()
