"""The walking skeleton end to end: widget protocol -> web app -> Rasa -> action -> database."""

from __future__ import annotations

import aiohttp
import pytest

from bot.storage.checkins import mood_history
from bot.storage.engine import Database
from tests.integration.clients import Person
from tests.integration.conftest import Stack

pytestmark = pytest.mark.slow


async def test_greeting_mood_rating_is_stored(stack: Stack) -> None:
    person = Person()
    session_id = await person.start(stack.web_url)
    try:
        greeting, question = await person.say("hi", expect=2)
        assert "I'm Ally" in greeting["text"]
        assert "0 (very low) to 10 (very good)" in question["text"]
        assert [b["title"] for b in question["quick_replies"]] == [str(n) for n in range(11)]
        (ack,) = await person.say("7", expect=1)
        assert ack["text"] == "Thanks for telling me. I've noted a 7 for today."
    finally:
        await person.sio.disconnect()
    database = Database.from_url(stack.database_url)
    try:
        assert database.run_sync(mood_history, conversation_id=session_id) == [7]
    finally:
        database.close()


async def test_rasa_rest_channel_answers_hi(stack: Stack) -> None:
    async with aiohttp.ClientSession() as http:
        resp = await http.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "rest-test", "message": "hi"}
        )
        assert resp.status == 200
        replies = await resp.json()
    assert replies and "I'm Ally" in replies[0]["text"]


async def test_first_account_was_created_and_can_log_in(stack: Stack) -> None:
    output = stack.output.read_text()
    assert "username: admin" in output
    password = output.split("password: ", 1)[1].split()[0]
    # unsafe=True: keep cookies for an IP-address host such as 127.0.0.1.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        login = await http.post(
            f"{stack.web_url}/api/login", json={"username": "admin", "password": password}
        )
        assert login.status == 200
        queue = await http.get(f"{stack.web_url}/api/escalations?status=open")
        assert queue.status == 200
        assert isinstance(await queue.json(), list)  # other tests may have escalated already
