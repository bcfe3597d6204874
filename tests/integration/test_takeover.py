"""Live takeover on the real stack: Rasa's tracker is paused, appended to and resumed."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from bot.config import Settings
from bot.supporter.takeover import message_text
from bot.web.replies import SOMETHING_WENT_WRONG
from tests.integration.clients import Person
from tests.integration.conftest import Stack

pytestmark = pytest.mark.slow


def _admin_password(stack: Stack) -> str:
    return stack.output.read_text().split("password: ", 1)[1].split()[0]


async def _next(person: Person) -> dict[str, Any]:
    return await asyncio.wait_for(person.uttered.get(), 60)


async def test_takeover_reply_and_handback_through_rasa(stack: Stack) -> None:
    token = Settings.from_env(stack.env).rasa_token
    person = Person()
    session_id = await person.start(stack.web_url)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        try:
            await person.say("hi", expect=2)
            login = await http.post(
                f"{stack.web_url}/api/login",
                json={"username": "admin", "password": _admin_password(stack)},
            )
            headers = {"X-CSRF-Token": (await login.json())["csrf_token"]}
            base = f"{stack.web_url}/api/conversations/{session_id}"

            resp = await http.post(f"{base}/takeover", headers=headers)
            assert resp.status == 201 and (await resp.json())["rasa_paused"] is True
            assert (await _next(person))["metadata"] == {"sender": "system"}

            await person.sio.emit("user_uttered", {"message": "is anyone there?"})
            tracker_url = f"{stack.rasa_url}/conversations/{session_id}/tracker"

            async def tracker() -> dict[str, Any]:
                async with http.get(tracker_url, params={"token": token}) as tracker_resp:
                    assert tracker_resp.status == 200
                    return dict(await tracker_resp.json())

            async def event_with(text: str) -> dict[str, Any]:
                for _ in range(120):  # poll with a deadline: the web app appends it async
                    found = [e for e in (await tracker())["events"] if e.get("text") == text]
                    if found:
                        return found[0]
                    await asyncio.sleep(0.5)
                raise AssertionError(f"{text!r} never reached Rasa's tracker")

            person_event = await event_with("is anyone there?")
            assert person_event["event"] == "user" and person_event["metadata"]["takeover"]

            resp = await http.post(f"{base}/messages", json={"text": "Yes, I'm here."},
                                   headers=headers)  # fmt: skip
            assert resp.status == 201 and (await resp.json())["rasa_recorded"] is True
            # Had the bot answered "is anyone there?", its reply would have come first.
            assert await _next(person) == {
                "text": "Yes, I'm here.",
                "metadata": {"sender": "supporter", "supporter_name": "admin"},
            }
            reply_event = await event_with("Yes, I'm here.")
            assert reply_event["event"] == "bot"
            assert reply_event["metadata"]["sender"] == "supporter"
            state = await tracker()
            assert state["paused"] is True
            assert any(e["event"] == "pause" for e in state["events"])

            record = await (await http.get(base)).json()
            assert record["rasa_available"] is True
            texts = [m["text"] for m in record["transcript"]]
            assert texts.count("is anyone there?") == 1 and texts.count("Yes, I'm here.") == 1
            assert texts[0] == "hi"

            resp = await http.post(f"{base}/handback", headers=headers)
            assert resp.status == 200 and (await resp.json())["rasa_resumed"] is True
            assert (await _next(person))["metadata"] == {"sender": "system"}
            assert (await _next(person))["text"] == message_text("handback_reentry")

            replies = await person.say_until_quiet("hi")
            texts = [r.get("text") for r in replies]
            assert SOMETHING_WENT_WRONG not in texts
            # A fresh check-in, not the middle of the form the takeover interrupted.
            assert any("0 (very low) to 10" in (t or "") for t in texts), texts
            assert not any("Sorry, I need a number" in (t or "") for t in texts), texts
        finally:
            await person.close()
