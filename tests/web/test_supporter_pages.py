from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from aiohttp.test_utils import TestClient

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.storage.tables import alliance_signals, checkins
from tests.unit.supporter.helpers import add_handoff, add_risk, session_as
from tests.web.conftest import login


async def test_queue_page_orders_rows_and_marks_overdue_in_text(
    client: TestClient, database: Database
) -> None:
    now = utcnow()
    add_handoff(database, "conv-handoff", created_at=now - timedelta(hours=1))
    add_risk(database, "conv-medium", "medium", created_at=now - timedelta(minutes=20))
    late = add_risk(database, "conv-late", "high", created_at=now - timedelta(minutes=6))
    await login(client)
    page = await client.get("/supporter")
    html = await page.text()
    assert page.status == 200
    order = [
        html.index(f"/supporter/conversations/{c}")
        for c in ("conv-late", "conv-medium", "conv-handoff")
    ]
    assert order == sorted(order)
    late_row = html[html.index(f'id="escalation-{late}"') :].split("</tr>")[0]
    assert "OVERDUE" in late_row and "overdue" in late_row
    assert "asked for a human" in html
    assert 'src="/static/js/queue.js"' in html and 'data-target-seconds="300"' in html
    assert '<meta name="csrf-token"' in html
    assert "<script>" not in html.replace('<script src="/static/js/queue.js" defer></script>', "")


async def test_untrusted_text_is_escaped_everywhere(client: TestClient, database: Database) -> None:
    payloads = ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">']
    escalation_id = add_risk(database, "conv-1", excerpt=payloads[0] + payloads[1])
    csrf = await login(client)
    html = await (await client.get("/supporter")).text()
    for payload in payloads:
        assert payload not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    note = await client.post(
        f"/api/escalations/{escalation_id}/notes",
        json={"text": payloads[1]},
        headers={"X-CSRF-Token": csrf},
    )
    assert note.status == 201
    # JSON carries the text verbatim; queue.js inserts it with textContent only.
    detail = await (await client.get(f"/api/escalations/{escalation_id}")).json()
    assert detail["notes"][0]["text"] == payloads[1]
    script = await (await client.get("/static/js/queue.js")).text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


async def test_history_page_filters_and_rejects_bad_input(
    client: TestClient, database: Database
) -> None:
    csrf = await login(client)
    kept = add_risk(database, "conv-1", categories=("self_harm",))
    other = add_risk(database, "conv-2", categories=("harm_to_others",))
    for escalation_id, outcome in ((kept, "contacted"), (other, "false_alarm")):
        resp = await client.post(
            f"/api/escalations/{escalation_id}/resolve",
            json={"outcome": outcome},
            headers={"X-CSRF-Token": csrf},
        )
        assert resp.status == 200
    everything = await (await client.get("/supporter/history")).text()
    assert "2 resolved escalations" in everything
    filtered = await (
        await client.get("/supporter/history?category=self_harm&outcome=contacted")
    ).text()
    assert (
        "1 resolved escalation." in filtered and "conv-1" in filtered and "conv-2" not in filtered
    )
    today = utcnow().date().isoformat()
    dated = await (await client.get(f"/supporter/history?from={today}&to={today}")).text()
    assert "2 resolved escalations" in dated
    none = await (await client.get("/supporter/history?to=2000-01-01")).text()
    assert "0 resolved escalations" in none
    bad = await client.get("/supporter/history?from=<script>")
    assert bad.status == 400
    assert "<script>" not in await bad.text()


async def test_research_page_shows_aggregates_without_ids(
    client: TestClient, database: Database
) -> None:
    monday = datetime(2026, 3, 9, 10, tzinfo=timezone.utc)
    database.run_sync(
        lambda c: c.execute(
            sa.insert(checkins),
            [
                {
                    "conversation_id": "secret-conv-a",
                    "emotions": [],
                    "status": "completed",
                    "started_at": monday,
                },
                {
                    "conversation_id": "secret-conv-b",
                    "emotions": [],
                    "status": "abandoned",
                    "started_at": monday,
                },
            ],
        )
    )
    database.run_sync(
        lambda c: c.execute(
            sa.insert(alliance_signals).values(
                conversation_id="secret-conv-a",
                dimension="bond",
                source="behaviour",
                value=1.0,
                cue="thanks",
                created_at=monday,
            )
        )
    )
    add_risk(database, "secret-conv-c", categories=("self_harm",), excerpt="secret words")
    researcher, _ = await session_as(client, database, "rita", "researcher")
    try:
        page = await researcher.get("/research")
        html = await page.text()
        assert page.status == 200
        assert "2026-W11" in html and "self_harm" in html and "bond" in html
        assert "secret" not in html
        assert 'href="/supporter"' not in html  # no links to pages a researcher cannot open
    finally:
        await researcher.close()


async def test_researchers_land_on_the_research_page(
    client: TestClient, database: Database
) -> None:
    from tests.unit.supporter.helpers import PASSWORD, ensure_account

    ensure_account(database, "rita", "researcher")
    resp = await client.post(
        "/supporter/login", data={"username": "rita", "password": PASSWORD}, allow_redirects=False
    )
    assert resp.status == 303 and resp.headers["Location"] == "/research"
