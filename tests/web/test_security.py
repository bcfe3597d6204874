import re as _re
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp.test_utils import TestClient

from bot.storage.engine import Database
from bot.web.app import create_app
from bot.web.middleware import PUBLIC_PATH_PREFIXES, PUBLIC_ROUTES, RESEARCHER_ROUTES, SAFE_METHODS
from tests.conftest import make_settings
from tests.unit.supporter.helpers import add_risk, ensure_account, session_as
from tests.web.conftest import PASSWORD, login


async def test_every_non_public_route_refuses_anonymous_access(client: TestClient) -> None:
    checked = 0
    for route in client.app.router.routes():
        name = route.name
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path is None or path.startswith(PUBLIC_PATH_PREFIXES) or route.method == "HEAD":
            continue
        if name in PUBLIC_ROUTES:
            continue
        if "{" in path:
            path = path.replace("{id}", "1")
        resp = await client.request(route.method, path, allow_redirects=False)
        assert resp.status in (302, 401, 403), f"{route.method} {path} answered {resp.status}"
        if resp.status == 302:
            assert resp.headers["Location"] == "/supporter/login"
        checked += 1
    assert checked >= 3


async def test_login_errors_do_not_reveal_whether_the_user_exists(client: TestClient) -> None:
    unknown = await client.post("/api/login", json={"username": "nobody", "password": "x" * 12})
    wrong = await client.post("/api/login", json={"username": "sam", "password": "x" * 12})
    assert unknown.status == wrong.status == 401
    assert await unknown.json() == await wrong.json()


async def test_session_cookie_flags(client: TestClient) -> None:
    resp = await client.post("/api/login", json={"username": "sam", "password": PASSWORD})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # only in production


async def test_login_is_rate_limited(client: TestClient) -> None:
    statuses = [
        (await client.post("/api/login", json={"username": "sam", "password": "nope"})).status
        for _ in range(7)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[-1] == 429


async def test_state_change_needs_csrf_token(client: TestClient) -> None:
    csrf = await login(client)
    refused = await client.post("/supporter/logout", allow_redirects=False)
    assert refused.status == 403
    accepted = await client.post(
        "/supporter/logout", headers={"X-CSRF-Token": csrf}, allow_redirects=False
    )
    assert accepted.status == 303
    after = await client.get("/api/escalations")
    assert after.status == 401


async def test_cross_origin_login_is_refused(client: TestClient) -> None:
    resp = await client.post(
        "/api/login",
        json={"username": "sam", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert resp.status == 403


async def test_security_headers_on_pages_and_errors(client: TestClient) -> None:
    for path in ("/", "/supporter/login", "/does-not-exist"):
        resp = await client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"


async def test_malformed_json_gets_a_json_4xx(client: TestClient) -> None:
    for body in (b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"'):
        resp = await client.post(
            "/api/login", data=body, headers={"Content-Type": "application/json"}
        )
        assert resp.status == 400
        assert "error" in await resp.json()
    wrong_types = await client.post("/api/login", json={"username": 1, "password": None})
    assert wrong_types.status == 400


async def test_oversized_body_is_refused(client: TestClient) -> None:
    resp = await client.post(
        "/api/login",
        data=b"{" + b" " * 200_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert resp.status == 413


# --- Supporter queue, API and admin routes -------------------------------------------------------


def _routes(client: TestClient) -> list[tuple[str, str, str | None]]:
    """Every (method, concrete path, name) of the app, skipping socket.io and HEAD."""
    found = []
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path is None or path.startswith(PUBLIC_PATH_PREFIXES) or route.method == "HEAD":
            continue
        found.append((route.method, _re.sub(r"\{[^}]+\}", "1", path), route.name))
    return found


async def test_every_state_changing_route_needs_the_csrf_token(
    client: TestClient, database: Database
) -> None:
    add_risk(database, "conv-1")
    admin, csrf = await session_as(client, database, "root", "admin")
    checked = 0
    try:
        for method, path, name in _routes(client):
            if method in SAFE_METHODS or name in PUBLIC_ROUTES:
                continue
            cross_site = {"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
            for headers in ({}, {"X-CSRF-Token": "wrong"}, cross_site):
                resp = await admin.request(
                    method, path, json={}, headers=headers, allow_redirects=False
                )
                assert resp.status == 403, (method, path, headers, resp.status)
                assert "CSRF" in await resp.text()
            checked += 1
        assert checked >= 12
        # Nothing was changed by the refused requests.
        resp = await admin.get("/api/escalations?status=open")
        assert len(await resp.json()) == 1
    finally:
        await admin.close()


async def test_researchers_are_refused_everywhere_but_the_research_page(
    client: TestClient, database: Database
) -> None:
    researcher, csrf = await session_as(client, database, "rita", "researcher")
    checked = 0
    try:
        for method, path, name in _routes(client):
            if name in PUBLIC_ROUTES or name in RESEARCHER_ROUTES:
                continue
            resp = await researcher.request(
                method, path, json={}, headers={"X-CSRF-Token": csrf}, allow_redirects=False
            )
            assert resp.status == 403, (method, path, resp.status)
            checked += 1
        assert checked >= 20
    finally:
        await researcher.close()


async def test_security_headers_on_every_page_for_a_signed_in_admin(
    client: TestClient, database: Database
) -> None:
    admin, _ = await session_as(client, database, "root", "admin")
    try:
        for method, path, _name in _routes(client):
            if method != "GET" or path.startswith("/static") or path == "/supporter/events":
                continue
            resp = await admin.get(path, allow_redirects=False)
            csp = resp.headers.get("Content-Security-Policy", "")
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
            assert resp.headers.get("X-Frame-Options") == "DENY", path
            assert resp.headers.get("Referrer-Policy") == "same-origin", path
            assert resp.status < 500, path
    finally:
        await admin.close()


async def test_untrusted_text_shows_as_text(client: TestClient, database: Database) -> None:
    script, image = "<script>alert(1)</script>", '<img src=x onerror="alert(1)">'
    add_risk(database, "conv-1", excerpt=f"{script} {image}")
    await login(client)
    html = await (await client.get("/supporter")).text()
    assert script not in html and image not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


async def test_session_cookie_is_secure_in_production(
    tmp_path: Path,
    database: Database,
    aiohttp_client: Callable[..., Awaitable[TestClient]],
) -> None:
    settings = make_settings(
        tmp_path,
        ALLY_ENV="production",
        ALLY_DATABASE_URL=str(database.engine.url),
        ALLY_RASA_TOKEN="a-real-token-for-this-test-1234567890",
        ALLY_SESSION_SECRET="a-real-session-secret-for-this-test-1234567890",
        ALLY_PSEUDONYM_SALT="a-real-pseudonym-salt-for-this-test-1234567890",
    )
    ensure_account(database, "sam", "supporter")
    prod = await aiohttp_client(create_app(settings, database=database))
    resp = await prod.post("/api/login", json={"username": "sam", "password": PASSWORD})
    assert resp.status == 200
    cookie = resp.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
