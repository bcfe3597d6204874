import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from bot.storage.audit import list_audit
from bot.storage.engine import Database
from bot.storage.escalations import get_escalation, list_notes
from tests.unit.supporter.helpers import add_handoff, add_risk, session_as
from tests.web.conftest import login


async def _post(client: TestClient, path: str, csrf: str, body: Any = None) -> Any:
    return await client.post(path, json=body or {}, headers={"X-CSRF-Token": csrf})


async def test_claim_note_resolve_flow(client: TestClient, database: Database) -> None:
    csrf = await login(client)
    escalation_id = add_risk(database, "conv-1", "imminent")
    add_handoff(database, "conv-2")

    queue = await (await client.get("/api/escalations")).json()
    assert [(e["conversation_id"], e["kind"]) for e in queue] == [
        ("conv-1", "risk"),
        ("conv-2", "handoff"),
    ]
    first = queue[0]
    for key in (
        "id",
        "conversation_id",
        "severity",
        "categories",
        "status",
        "created_at",
        "claimed_by",
        "kind",
        "waiting_seconds",
        "overdue",
    ):
        assert key in first
    assert first["status"] == "open" and first["claimed_by"] is None

    claimed = await _post(client, f"/api/escalations/{escalation_id}/claim", csrf)
    assert claimed.status == 200
    body = await claimed.json()
    assert body["status"] == "claimed" and body["claimed_by"] == "sam" and body["claimed_at"]
    assert [
        e["id"] for e in await (await client.get("/api/escalations?status=claimed")).json()
    ] == [escalation_id]

    note = await _post(client, f"/api/escalations/{escalation_id}/notes", csrf, {"text": "called"})
    assert note.status == 201
    assert (await note.json())["text"] == "called"
    detail = await (await client.get(f"/api/escalations/{escalation_id}")).json()
    assert [n["text"] for n in detail["notes"]] == ["called"]

    resolved = await _post(
        client,
        f"/api/escalations/{escalation_id}/resolve",
        csrf,
        {"outcome": "contacted", "note": "they are safe"},
    )
    assert resolved.status == 200
    assert (await resolved.json())["outcome"] == "contacted"
    open_now = await (await client.get("/api/escalations?status=open")).json()
    assert [e["conversation_id"] for e in open_now] == ["conv-2"]
    history = await (await client.get("/api/history?outcome=contacted")).json()
    assert [e["id"] for e in history["items"]] == [escalation_id]
    assert history["total"] == 1 and history["pages"] == 1

    actions = [e.action for e in database.run_sync(list_audit, actor="sam")]
    assert actions == [
        "escalation.resolve",
        "escalation.view",
        "escalation.note",
        "escalation.claim",
        "login",
    ]


async def test_only_one_of_many_simultaneous_http_claims_wins(
    client: TestClient, database: Database
) -> None:
    escalation_id = add_risk(database, "conv-race")
    sessions = [await session_as(client, database, f"sup{i}", "supporter") for i in range(5)]
    try:
        responses = await asyncio.gather(
            *(
                session.post(
                    f"/api/escalations/{escalation_id}/claim", headers={"X-CSRF-Token": csrf}
                )
                for session, csrf in sessions
            )
        )
        statuses = sorted(r.status for r in responses)
        assert statuses == [200, 409, 409, 409, 409]
        winner = next(r for r in responses if r.status == 200)
        winner_name = (await winner.json())["claimed_by"]
        assert (
            database.run_sync(get_escalation, escalation_id=escalation_id).claimed_by == winner_name
        )
        for r in responses:
            if r.status == 409:
                assert (await r.json())["error"] == f"already claimed by {winner_name}"
    finally:
        for session, _ in sessions:
            await session.close()


async def test_release_and_resolve_respect_the_claimer(
    client: TestClient, database: Database
) -> None:
    csrf = await login(client)
    escalation_id = add_risk(database, "conv-1")
    other, other_csrf = await session_as(client, database, "alex", "supporter")
    admin, admin_csrf = await session_as(client, database, "root", "admin")
    try:
        assert (await _post(client, f"/api/escalations/{escalation_id}/claim", csrf)).status == 200
        path = f"/api/escalations/{escalation_id}"
        refused = await other.post(f"{path}/unclaim", headers={"X-CSRF-Token": other_csrf})
        assert refused.status == 403 and "only they or an admin" in (await refused.json())["error"]
        refused = await other.post(
            f"{path}/resolve", json={"outcome": "other"}, headers={"X-CSRF-Token": other_csrf}
        )
        assert refused.status == 403
        released = await admin.post(f"{path}/unclaim", headers={"X-CSRF-Token": admin_csrf})
        assert released.status == 200 and (await released.json())["status"] == "open"
        again = await admin.post(f"{path}/unclaim", headers={"X-CSRF-Token": admin_csrf})
        assert again.status == 409
    finally:
        await other.close()
        await admin.close()


async def test_bad_requests_get_json_4xx_and_write_nothing(
    client: TestClient, database: Database
) -> None:
    csrf = await login(client)
    escalation_id = add_risk(database, "conv-1")
    await _post(client, f"/api/escalations/{escalation_id}/claim", csrf)
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    base = f"/api/escalations/{escalation_id}"
    cases = [
        ("GET", "/api/escalations/999999", None, 404),
        ("GET", "/api/escalations/abc", None, 404),
        ("GET", "/api/escalations/99999999999999999999", None, 404),
        ("POST", "/api/escalations/999999/claim", b"{}", 404),
        ("POST", "/api/escalations/0/claim", b"{}", 404),
        ("POST", f"{base}/notes", b"{not json", 400),
        ("POST", f"{base}/notes", b"[1]", 400),
        ("POST", f"{base}/notes", b'{"text": 5}', 400),
        ("POST", f"{base}/notes", b'{"text": ""}', 400),
        ("POST", f"{base}/notes", b"\xff\xfe", 400),
        ("POST", f"{base}/notes", b'{"text": "' + b"x" * 70_000 + b'"}', 413),
        ("POST", f"{base}/resolve", b'{"outcome": "nope"}', 400),
        ("POST", f"{base}/resolve", b'{"outcome": 3}', 400),
        ("POST", f"{base}/resolve", b'{"outcome": "other", "note": 7}', 400),
        ("POST", f"{base}/resolve", b'{"outcome": "other", "note": "' + b"y" * 5000 + b'"}', 400),
        ("POST", "/api/escalations/999999/resolve", b'{"outcome": "other"}', 404),
        ("GET", "/api/escalations?status=nonsense", None, 400),
        ("GET", "/api/history?from=yesterday", None, 400),
        ("GET", "/api/history?page=0", None, 400),
    ]
    for method, path, data, expected in cases:
        resp = await client.request(method, path, data=data, headers=headers)
        assert resp.status == expected, (method, path, resp.status)
        assert resp.content_type == "application/json", (method, path)
        assert "error" in await resp.json()
    after = database.run_sync(get_escalation, escalation_id=escalation_id)
    assert after.status == "claimed" and after.outcome is None
    assert database.run_sync(list_notes, escalation_id=escalation_id) == []


async def test_researchers_cannot_reach_escalations(client: TestClient, database: Database) -> None:
    escalation_id = add_risk(database, "conv-1")
    researcher, csrf = await session_as(client, database, "rita", "researcher")
    try:
        for method, path in [
            ("GET", "/api/escalations"),
            ("GET", f"/api/escalations/{escalation_id}"),
            ("POST", f"/api/escalations/{escalation_id}/claim"),
            ("GET", "/api/history"),
            ("GET", "/supporter"),
            ("GET", "/supporter/history"),
            ("GET", "/supporter/events"),
            ("GET", "/api/conversations/conv-1"),
        ]:
            resp = await researcher.request(method, path, headers={"X-CSRF-Token": csrf})
            assert resp.status == 403, (method, path, resp.status)
        assert (await researcher.get("/research")).status == 200
        assert database.run_sync(get_escalation, escalation_id=escalation_id).status == "open"
    finally:
        await researcher.close()
