"""The conversation view: merged transcript, highlighted risk, moods, alliance, audit."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from bot.storage.audit import list_audit
from bot.storage.checkins import record_mood
from bot.storage.engine import Database
from tests.web.conftest import FakeRasa, Widget

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> i want to end it all"


async def _conversation_with_takeover(widget: Widget, staff: Any) -> tuple[str, Any, str]:
    session_id = await widget.session()
    await widget.say("hi")
    sam, csrf = await staff("sam")
    base = f"/api/conversations/{session_id}"
    assert (await sam.post(f"{base}/takeover", headers={"X-CSRF-Token": csrf})).status == 201
    await widget.next()
    await widget.send(HOSTILE)
    await widget.next()  # the crisis text
    resp = await sam.post(f"{base}/messages", json={"text": "I'm here with you."},
                          headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert resp.status == 201
    await widget.next()
    return session_id, sam, csrf


async def test_page_shows_merged_transcript_with_escaped_highlights(
    server: TestServer, widget: Widget, staff: Any, database: Database
) -> None:
    session_id, sam, _ = await _conversation_with_takeover(widget, staff)
    database.run_sync(record_mood, conversation_id=session_id, rating=3)
    resp = await sam.get(f"/supporter/conversations/{session_id}")
    assert resp.status == 200
    html = await resp.text()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; " in html
    assert "i <mark>want to end it</mark> all" in html
    order = [html.index(text) for text in ("hello from rasa", "took over", "I&#39;m here with you")]
    assert order == sorted(order), "transcript in time order"
    assert html.count("I&#39;m here with you") == 1, "the tracker copy is not shown twice"
    assert "3 / 10" in html
    assert "Alliance" in html and 'src="/static/js/conversation.js"' in html
    assert 'role="log"' in html
    audit = database.run_sync(list_audit, target_id=session_id, actor="sam")
    assert audit[0].action == "conversation_viewed" and audit[0].detail == {"via": "page"}


async def test_api_returns_the_record(
    server: TestServer, widget: Widget, staff: Any, database: Database
) -> None:
    session_id, sam, _ = await _conversation_with_takeover(widget, staff)
    resp = await sam.get(f"/api/conversations/{session_id}")
    assert resp.status == 200
    record = await resp.json()
    assert record["rasa_available"] is True
    assert record["takeover"]["supporter"] == "sam"
    senders = [m["sender"] for m in record["transcript"]]
    assert senders[:2] == ["person", "bot"]
    assert {"supporter", "system"} <= set(senders)
    flagged = next(m for m in record["transcript"] if m["text"] == HOSTILE)
    assert {"text": "want to end it", "mark": True} in flagged["segments"]
    (escalation,) = record["escalations"]
    assert escalation["severity"] in ("high", "imminent")
    assert any(s["mark"] for s in escalation["excerpt"])
    assert set(record["alliance"]["behaviour"]) >= {"bond", "goal", "task"}
    audit = database.run_sync(list_audit, target_id=session_id, actor="sam")
    assert audit[0].action == "conversation_viewed" and audit[0].detail == {"via": "api"}


async def test_rasa_down_still_shows_the_database_record(
    server: TestServer, widget: Widget, staff: Any, fake_rasa: tuple[FakeRasa, int]
) -> None:
    session_id, sam, _ = await _conversation_with_takeover(widget, staff)
    fake_rasa[0].api_status = 503
    resp = await sam.get(f"/supporter/conversations/{session_id}")
    assert resp.status == 200
    html = await resp.text()
    assert "could not be loaded" in html
    assert "I&#39;m here with you" in html and "i <mark>want to end it</mark> all" in html
    assert "hello from rasa" not in html
    api = await (await sam.get(f"/api/conversations/{session_id}")).json()
    assert api["rasa_available"] is False


async def test_unknown_or_odd_conversation_ids_are_404(server: TestServer, staff: Any) -> None:
    sam, _ = await staff("sam")
    for conversation_id in ("nobody-here", "x" * 200, "%E2%80%AE%00"):
        resp = await sam.get(f"/api/conversations/{conversation_id}")
        assert resp.status == 404 and "error" in await resp.json()
    assert (await sam.get("/supporter/conversations/nobody-here")).status == 404


async def test_admins_may_view(server: TestServer, widget: Widget, staff: Any) -> None:
    session_id = await widget.session()
    await widget.say("hi")
    ada, _ = await staff("ada")
    assert (await ada.get(f"/api/conversations/{session_id}")).status == 200
