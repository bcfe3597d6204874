"""A scripted conversation through Rasa's REST channel of the real stack produces the expected
alliance signal rows, the survey is asked, stored and scored, and "delete my data" is confirmed
before the web app is told to delete.

Payloads (``/intent``) keep the script deterministic where the classifier is not under test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from bot.alliance.instruments import load_instrument
from bot.dialogue.messages import text
from bot.storage.alliance import signals_for
from bot.storage.checkin_sessions import finish_checkin, start_checkin
from bot.storage.engine import Database
from bot.storage.surveys import administrations_for, answers_for
from tests.integration.conftest import Stack

pytestmark = pytest.mark.slow


class Person:
    """One conversation over the REST channel, each message with the web app's message id."""

    def __init__(self, stack: Stack) -> None:
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = f"alliance-{uuid.uuid4().hex}"
        self.last: list[dict[str, Any]] = []

    async def say(self, message: str, message_id: str | None = None) -> list[str]:
        body = {
            "sender": self.sender,
            "message": message,
            "metadata": {"message_id": message_id or uuid.uuid4().hex},
        }
        async with aiohttp.ClientSession() as http:
            resp = await http.post(self.url, json=body, timeout=aiohttp.ClientTimeout(total=60))
            assert resp.status == 200
            self.last = await resp.json()
        return [reply.get("text", "") for reply in self.last if "text" in reply]


@pytest.fixture
def database(stack: Stack) -> Iterator[Database]:
    db = Database.from_url(stack.database_url)
    yield db
    db.close()


async def test_a_scripted_conversation_produces_the_expected_signals(
    stack: Stack, database: Database
) -> None:
    person = Person(stack)
    for _ in range(2):  # two earlier check-ins: this one is the third, so the survey is due
        database.run_sync(start_checkin, conversation_id=person.sender, mood=5)
        database.run_sync(finish_checkin, conversation_id=person.sender, status="completed")

    (repair,) = await person.say("/frustrated_with_bot", "m-frustrated")
    assert repair.startswith("I'm sorry, I got that wrong.")
    assert (await person.say("/start_checkin", "m-restart"))[-1] == text("ask_mood_rating")
    await person.say("7", "m-mood")
    assert (await person.say("calm", "m-emotions"))[-1] == text("offer_goal_setting")
    await person.say("/start_goal_setting", "m-goal")
    assert (await person.say("/affirm", "m-goal-yes"))[-1] == text("ask_task_what")
    await person.say("walk to the park")
    await person.say("monday evening")
    assert (await person.say("rain"))[-1] == text("ask_next_checkin")
    _, again = await person.say("/thank", "m-thanks")
    assert again == text("ask_next_checkin")
    await person.say("/skip")
    *_, goodbye, offer = await person.say("/skip", "m-close")
    assert goodbye == text("session_goodbye", name_part="")
    wai = load_instrument("wai_sr_chatbot")
    assert offer == text("survey_offer", intro=wai.intro)

    values = {"bond": 5, "goal": 4, "task": 2}
    (first,) = await person.say("/affirm", "m-survey")
    assert first.startswith("1 of 12: ")
    for number, item in enumerate(wai.items, start=1):
        value = values[item.subscale]
        buttons = person.last[0]["buttons"]
        assert len(buttons) == 5
        message = buttons[value - 1]["payload"] if number % 2 else str(value)
        replies = await person.say(message, f"m-answer-{number}")
        if number < 12:
            assert replies[0].startswith(f"{number + 1} of 12: ")
    assert replies == [text("survey_thanks")]

    (admin,) = database.run_sync(administrations_for, conversation_id=person.sender)
    assert admin.status == "completed"
    assert admin.scores == {
        "task": 2.0,
        "bond": 5.0,
        "goal": 4.0,
        "total": pytest.approx(11 / 3, abs=1e-4),
    }
    assert len(database.run_sync(answers_for, administration_id=admin.id)) == 12

    signals = database.run_sync(signals_for, conversation_id=person.sender)
    assert [(s.dimension, s.source, s.cue, s.value, s.event_id) for s in signals] == [
        ("bond", "behaviour", "frustrated_with_bot", -1.0, "m-frustrated"),
        ("bond", "behaviour", "repair_accepted", 0.5, "m-restart"),
        ("goal", "behaviour", "goal_accepted", 1.0, "m-goal-yes"),
        ("bond", "behaviour", "thanks", 1.0, "m-thanks"),
        ("engagement", "behaviour", "checkin_completed", 1.0, "m-close"),
        ("task", "survey", "survey:wai_sr_chatbot", 2.0, "m-answer-12"),
        ("bond", "survey", "survey:wai_sr_chatbot", 5.0, "m-answer-12"),
        ("goal", "survey", "survey:wai_sr_chatbot", 4.0, "m-answer-12"),
    ]


async def test_delete_my_data_is_confirmed_before_the_web_app_is_told(stack: Stack) -> None:
    person = Person(stack)
    assert await person.say("/delete_my_data") == [text("ask_delete_confirmed")]
    assert [b["title"] for b in person.last[0]["buttons"]] == ["Yes, delete", "No, keep it"]
    assert await person.say("/deny") == [text("delete_kept")]
    assert not any("custom" in reply for reply in person.last)
    await person.say("/delete_my_data")
    assert await person.say("/affirm") == [text("delete_done")]
    assert [r["custom"] for r in person.last if "custom" in r] == [{"ally_event": "delete_my_data"}]
