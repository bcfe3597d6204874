from aiohttp.test_utils import TestClient

from bot.web.middleware import PUBLIC_PATH_PREFIXES, PUBLIC_ROUTES
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
        assert resp.headers["Referrer-Policy"] == "no-referrer"


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
