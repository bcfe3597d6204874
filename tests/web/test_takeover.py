"""Live takeover through the real app: routing, delivery to the widget, records and audit."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from aiohttp.test_utils import TestServer

from bot.risk.resources import crisis_text
from bot.storage.audit import list_audit
from bot.storage.checkins import record_mood
from bot.storage.engine import Database
from bot.storage.tables import conversation_messages, escalations, takeovers
from bot.supporter.takeover import message_text
from bot.web import keys
from tests.web.conftest import FakeRasa, Widget

RISK_TEXT = "i want to end it all"


def _rows(database: Database, table: Any, conversation_id: str) -> list[Any]:
    return database.run_sync(
        lambda c: list(
            c.execute(sa.select(table).where(table.c.conversation_id == conversation_id))
        )
    )


async def _appended(rasa: FakeRasa, count: int) -> list[dict[str, Any]]:
    """Wait (with a deadline) until Rasa has received ``count`` appends; return the last."""
    for _ in range(500):
        if len(rasa.appended) >= count:
            return rasa.appended[count - 1][1]
        await asyncio.sleep(0.01)
    raise AssertionError(f"only {len(rasa.appended)} appends reached Rasa")


async def _next_live(queue: asyncio.Queue[dict[str, Any]], kind: str) -> dict[str, Any]:
    while True:
        event = await asyncio.wait_for(queue.get(), 5)
        if event.get("type") == kind:
            return event


async def test_takeover_reply_and_handback_end_to_end(
    server: TestServer, widget: Widget, staff: Any, fake_rasa: tuple[FakeRasa, int],
    database: Database,
) -> None:  # fmt: skip
    rasa, _ = fake_rasa
    session_id = await widget.session()
    assert await widget.say("hi") == {"text": "hello from rasa"}
    sam, csrf = await staff("sam")
    headers = {"X-CSRF-Token": csrf}
    base = f"/api/conversations/{session_id}"

    resp = await sam.post(f"{base}/takeover", headers=headers)
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert body["takeover"]["supporter"] == "sam" and body["rasa_paused"] is True
    assert await widget.next() == {
        "text": message_text("takeover_started", supporter_name="sam"),
        "metadata": {"sender": "system"},
    }
    assert rasa.appended[-1][1][0] == {"event": "pause"}
    assert set(rasa.tokens) == {server.app[keys.SETTINGS].rasa_token}

    async with server.app[keys.LIVE].subscribe() as live:
        await widget.send("are you a real person?")
        event = await _next_live(live, "conversation_message")
    assert event["conversation_id"] == session_id
    assert event["message"]["sender"] == "person"
    assert event["message"]["text"] == "are you a real person?"
    assert len(rasa.received) == 1, "a taken-over conversation is not forwarded to Rasa"
    (user_event,) = await _appended(rasa, 2)
    assert user_event["event"] == "user" and user_event["text"] == "are you a real person?"
    assert user_event["metadata"]["ally_message_id"] == event["message"]["message_id"]

    resp = await sam.post(f"{base}/messages", json={"text": "Yes, I'm Sam <b>hi</b>"},
                          headers=headers)  # fmt: skip
    assert resp.status == 201
    assert await widget.next() == {
        "text": "Yes, I'm Sam <b>hi</b>",
        "metadata": {"sender": "supporter", "supporter_name": "sam"},
    }
    (bot_event,) = rasa.appended[-1][1]
    assert bot_event["event"] == "bot"
    assert bot_event["metadata"]["sender"] == "supporter"

    # Safety rule: risk is still detected, escalated and answered at once during a takeover.
    await widget.send(RISK_TEXT)
    assert (await widget.next())["text"] == crisis_text("US")
    assert len(_rows(database, escalations, session_id)) == 1
    assert len(rasa.received) == 1

    resp = await sam.post(f"{base}/handback", headers=headers)
    assert resp.status == 200 and (await resp.json())["rasa_resumed"] is True
    assert (await widget.next())["text"] == message_text("takeover_ended", supporter_name="sam")
    assert await widget.next() == {"text": message_text("handback_reentry")}
    assert rasa.appended[-1][1][0] == {"event": "resume"}

    assert await widget.say("thanks") == {"text": "hello from rasa"}
    assert rasa.received[-1]["message"] == "thanks"

    stored = _rows(database, conversation_messages, session_id)
    assert [(m.sender, m.author) for m in stored] == [
        ("person", None), ("supporter", "sam"), ("person", None),
    ]  # fmt: skip
    audit = database.run_sync(list_audit, target_id=session_id)
    assert [a.action for a in reversed(audit)] == [
        "takeover_started", "supporter_replied", "takeover_ended",
    ]  # fmt: skip
    assert all("Sam" not in str(a.detail) for a in audit), "audit rows never hold message text"


async def test_one_holder_at_a_time(
    server: TestServer, widget: Widget, staff: Any, database: Database
) -> None:
    session_id = await widget.session()
    await widget.say("hi")
    sam, sam_csrf = await staff("sam")
    alex, alex_csrf = await staff("alex")
    base = f"/api/conversations/{session_id}"
    first, second = await asyncio.gather(
        sam.post(f"{base}/takeover", headers={"X-CSRF-Token": sam_csrf}),
        alex.post(f"{base}/takeover", headers={"X-CSRF-Token": alex_csrf}),
    )
    assert sorted([first.status, second.status]) == [201, 409]
    holder, other, other_csrf = (
        ("sam", alex, alex_csrf) if first.status == 201 else ("alex", sam, sam_csrf)
    )
    assert (await second.json() if second.status == 409 else await first.json())["error"]
    refused = await other.post(f"{base}/messages", json={"text": "hello"},
                               headers={"X-CSRF-Token": other_csrf})  # fmt: skip
    assert refused.status == 409
    refused = await other.post(f"{base}/handback", headers={"X-CSRF-Token": other_csrf})
    assert refused.status == 409
    active = [t for t in _rows(database, takeovers, session_id) if t.ended_at is None]
    assert [t.supporter for t in active] == [holder]
    assert not _rows(database, conversation_messages, session_id)
    ada, ada_csrf = await staff("ada")
    assert (await ada.post(f"{base}/handback", headers={"X-CSRF-Token": ada_csrf})).status == 200


async def test_replies_need_a_takeover_and_valid_text(
    server: TestServer, widget: Widget, staff: Any, database: Database
) -> None:
    session_id = await widget.session()
    await widget.say("hi")
    sam, csrf = await staff("sam")
    headers = {"X-CSRF-Token": csrf}
    base = f"/api/conversations/{session_id}"
    assert (await sam.post(f"{base}/messages", json={"text": "hi"}, headers=headers)).status == 409
    assert (await sam.post(f"{base}/handback", headers=headers)).status == 409
    assert (await sam.post(f"{base}/takeover", headers=headers)).status == 201
    for body in ({"text": ""}, {"text": "   "}, {"text": 5}, {}, {"text": "x" * 4001}):
        resp = await sam.post(f"{base}/messages", json=body, headers=headers)
        assert resp.status == 400 and "error" in await resp.json()
    bad = await sam.post(f"{base}/messages", data=b"{nope",
                         headers={**headers, "Content-Type": "application/json"})  # fmt: skip
    assert bad.status == 400 and "error" in await bad.json()
    assert not _rows(database, conversation_messages, session_id), "no partial write"
    unknown = await sam.post("/api/conversations/never-seen/takeover", headers=headers)
    assert unknown.status == 404 and "error" in await unknown.json()
    no_csrf = await sam.post(f"{base}/messages", json={"text": "hi"})
    assert no_csrf.status == 403


async def test_rasa_api_down_loses_nothing(
    server: TestServer, widget: Widget, staff: Any, fake_rasa: tuple[FakeRasa, int],
    database: Database,
) -> None:  # fmt: skip
    rasa, _ = fake_rasa
    session_id = await widget.session()
    await widget.say("hi")
    # Known to Ally's database (as a real conversation is, through its actions' records).
    database.run_sync(record_mood, conversation_id=session_id, rating=5)
    rasa.api_status = 500
    sam, csrf = await staff("sam")
    headers = {"X-CSRF-Token": csrf}
    base = f"/api/conversations/{session_id}"
    resp = await sam.post(f"{base}/takeover", headers=headers)
    assert resp.status == 201 and (await resp.json())["rasa_paused"] is False
    await widget.next()  # the notice still reaches the person
    resp = await sam.post(f"{base}/messages", json={"text": "still here"}, headers=headers)
    assert resp.status == 201 and (await resp.json())["rasa_recorded"] is False
    assert (await widget.next())["text"] == "still here"
    async with server.app[keys.LIVE].subscribe() as live:
        await widget.send("me too")
        assert (await _next_live(live, "conversation_message"))["message"]["text"] == "me too"
    texts = [m.text for m in _rows(database, conversation_messages, session_id)]
    assert texts == ["still here", "me too"]


async def test_researchers_are_refused(server: TestServer, widget: Widget, staff: Any) -> None:
    session_id = await widget.session()
    await widget.say("hi")
    rita, csrf = await staff("rita")
    base = f"/api/conversations/{session_id}"
    assert (await rita.get(base)).status == 403
    assert (await rita.get(f"/supporter/conversations/{session_id}")).status == 403
    assert (await rita.post(f"{base}/takeover", headers={"X-CSRF-Token": csrf})).status == 403


async def test_escalation_open_flag_clears_once_resolved(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database
) -> None:
    rasa, _ = fake_rasa
    session_id = await widget.session()
    rasa.replies = [{"text": crisis_text("US")}]
    await widget.say(RISK_TEXT)
    rasa.replies = [{"text": "ok"}]
    await widget.say("hello")
    assert rasa.received[-1]["metadata"]["escalation_open"] is True
    database.run_sync(
        lambda c: c.execute(
            sa.update(escalations)
            .where(escalations.c.conversation_id == session_id)
            .values(status="resolved", outcome="contacted")
        )
    )
    await widget.say("hello again")
    assert rasa.received[-1]["metadata"]["escalation_open"] is False


async def test_tracker_left_paused_is_resumed_on_the_next_turn(
    server: TestServer, widget: Widget, staff: Any, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    session_id = await widget.session()
    await widget.say("hi")
    sam, csrf = await staff("sam")
    headers = {"X-CSRF-Token": csrf}
    base = f"/api/conversations/{session_id}"
    await sam.post(f"{base}/takeover", headers=headers)
    await widget.next()
    rasa.api_status = 500  # the resume at hand-back never reaches Rasa
    assert (await (await sam.post(f"{base}/handback", headers=headers)).json())[
        "rasa_resumed"
    ] is False
    await widget.next()
    await widget.next()
    rasa.api_status = 200
    replies = iter([[], [{"text": "welcome back"}]])  # paused: Rasa answers nothing
    rasa.on_request = lambda: setattr(rasa, "replies", next(replies))
    assert await widget.say("hello?") == {"text": "welcome back"}
    assert rasa.appended[-1][1] == [{"event": "resume"}, {"event": "rewind"}]
