import re

from aiohttp.test_utils import TestClient

from bot.storage.audit import list_audit
from bot.storage.engine import Database
from tests.unit.supporter.helpers import add_risk, session_as
from tests.web.conftest import login


async def test_admin_manages_accounts_through_the_api(
    client: TestClient, database: Database
) -> None:
    admin, csrf = await session_as(client, database, "root", "admin")
    headers = {"X-CSRF-Token": csrf}
    try:
        created = await admin.post(
            "/api/accounts", json={"username": "newbie", "role": "supporter"}, headers=headers
        )
        assert created.status == 201
        body = await created.json()
        account_id, password = body["account"]["id"], body["password"]
        assert body["account"]["role"] == "supporter" and body["account"]["active"] is True
        assert "password_hash" not in str(body["account"])
        login_new = await client.post(
            "/api/login", json={"username": "newbie", "password": password}
        )
        assert login_new.status == 200

        duplicate = await admin.post(
            "/api/accounts", json={"username": "newbie", "role": "supporter"}, headers=headers
        )
        assert duplicate.status == 409
        for bad in ({"username": "x", "role": "root"}, {"username": 5, "role": "admin"}, {}):
            assert (await admin.post("/api/accounts", json=bad, headers=headers)).status == 400

        promoted = await admin.patch(
            f"/api/accounts/{account_id}", json={"role": "admin"}, headers=headers
        )
        assert promoted.status == 200 and (await promoted.json())["role"] == "admin"
        # A role change ends the account's sessions: the new rights apply from the next login.
        assert (await client.get("/api/escalations")).status == 401

        reset = await admin.post(f"/api/accounts/{account_id}/password", headers=headers)
        new_password = (await reset.json())["password"]
        assert new_password != password
        old = await client.post("/api/login", json={"username": "newbie", "password": password})
        assert old.status == 401
        fresh = await client.post(
            "/api/login", json={"username": "newbie", "password": new_password}
        )
        assert fresh.status == 200

        off = await admin.patch(
            f"/api/accounts/{account_id}", json={"active": False}, headers=headers
        )
        assert off.status == 200 and (await off.json())["active"] is False
        assert (await client.get("/api/escalations")).status == 401  # session ended at once
        listed = await (await admin.get("/api/accounts")).json()
        assert {a["username"]: a["active"] for a in listed}["newbie"] is False

        for bad in ({"active": "no"}, {"role": "boss"}, {}):
            resp = await admin.patch(f"/api/accounts/{account_id}", json=bad, headers=headers)
            assert resp.status == 400
        assert (
            await admin.patch("/api/accounts/9999", json={"active": True}, headers=headers)
        ).status == 404

        actions = {e.action for e in database.run_sync(list_audit, actor="root")}
        assert {
            "account.create",
            "account.role",
            "account.password_reset",
            "account.deactivate",
        } <= actions
    finally:
        await admin.close()


async def test_the_last_admin_cannot_lock_everyone_out(
    client: TestClient, database: Database
) -> None:
    admin, csrf = await session_as(client, database, "root", "admin")
    try:
        me = next(
            a for a in await (await admin.get("/api/accounts")).json() if a["username"] == "root"
        )
        for body in ({"role": "supporter"}, {"active": False}):
            resp = await admin.patch(
                f"/api/accounts/{me['id']}", json=body, headers={"X-CSRF-Token": csrf}
            )
            assert resp.status == 409
            assert "last active admin" in (await resp.json())["error"]
    finally:
        await admin.close()


async def test_supporters_cannot_administer(client: TestClient) -> None:
    csrf = await login(client)
    for method, path in [
        ("GET", "/api/accounts"),
        ("POST", "/api/accounts"),
        ("PATCH", "/api/accounts/1"),
        ("POST", "/api/accounts/1/password"),
        ("GET", "/api/audit"),
        ("GET", "/supporter/audit"),
        ("GET", "/supporter/accounts"),
        ("POST", "/supporter/accounts"),
    ]:
        resp = await client.request(method, path, json={}, headers={"X-CSRF-Token": csrf})
        assert resp.status == 403, (method, path)


async def test_admin_account_forms(client: TestClient, database: Database) -> None:
    admin, csrf = await session_as(client, database, "root", "admin")
    try:
        page = await admin.get("/supporter/accounts")
        assert page.status == 200 and "sam" in await page.text()
        created = await admin.post(
            "/supporter/accounts",
            data={"csrf_token": csrf, "username": "<b>eve</b>", "role": "researcher"},
        )
        html = await created.text()
        assert created.status == 200
        assert "&lt;b&gt;eve&lt;/b&gt;" in html and "<b>eve</b>" not in html
        password = re.search(r"<code>([^<]+)</code>", html).group(1)
        accounts = await (await admin.get("/api/accounts")).json()
        eve = next(a for a in accounts if a["username"] == "<b>eve</b>")
        assert eve["role"] == "researcher"
        login_eve = await client.post(
            "/api/login", json={"username": "<b>eve</b>", "password": password}
        )
        assert login_eve.status == 200

        role = await admin.post(
            f"/supporter/accounts/{eve['id']}/role", data={"csrf_token": csrf, "role": "supporter"}
        )
        assert role.status == 200 and "Changed the role" in await role.text()
        off = await admin.post(
            f"/supporter/accounts/{eve['id']}/active", data={"csrf_token": csrf, "active": "false"}
        )
        assert "deactivated" in await off.text()
        reset = await admin.post(
            f"/supporter/accounts/{eve['id']}/password", data={"csrf_token": csrf}
        )
        assert "One-time password" in await reset.text()
        bad = await admin.post(
            "/supporter/accounts", data={"csrf_token": csrf, "username": "", "role": "admin"}
        )
        assert bad.status == 400
        missing = await admin.post(
            "/supporter/accounts/999/role", data={"csrf_token": csrf, "role": "admin"}
        )
        assert missing.status == 404
        no_token = await admin.post("/supporter/accounts", data={"username": "x", "role": "admin"})
        assert no_token.status == 403
    finally:
        await admin.close()


async def test_audit_page_and_api(client: TestClient, database: Database) -> None:
    csrf = await login(client)
    escalation_id = add_risk(database, "conv-1")
    await client.post(f"/api/escalations/{escalation_id}/claim", headers={"X-CSRF-Token": csrf})
    admin, _ = await session_as(client, database, "root", "admin")
    try:
        rows = await (await admin.get("/api/audit?actor=sam")).json()
        assert [r["action"] for r in rows] == ["escalation.claim", "login"]
        assert rows[0]["target_id"] == str(escalation_id)
        assert (await admin.get("/api/audit?limit=abc")).status == 400
        limited = await (await admin.get("/api/audit?limit=1")).json()
        older = await (await admin.get(f"/api/audit?before_id={limited[0]['id']}")).json()
        assert len(limited) == 1 and all(r["id"] < limited[0]["id"] for r in older)
        page = await admin.get("/supporter/audit?actor=sam")
        html = await page.text()
        assert page.status == 200 and "escalation.claim" in html and "login" in html
    finally:
        await admin.close()
