from aiohttp.test_utils import TestClient

from tests.web.conftest import PASSWORD, login


async def test_form_login_then_queue_page(client: TestClient) -> None:
    page = await client.get("/supporter", allow_redirects=False)
    assert page.status == 302
    bad = await client.post("/supporter/login", data={"username": "sam", "password": "nope"})
    assert bad.status == 401
    assert "Wrong username or password." in await bad.text()
    resp = await client.post(
        "/supporter/login", data={"username": "sam", "password": PASSWORD}, allow_redirects=False
    )
    assert resp.status == 303 and resp.headers["Location"] == "/supporter"
    queue = await client.get("/supporter")
    assert queue.status == 200
    html = await queue.text()
    assert "Escalation queue" in html and "No open escalations." in html


async def test_api_escalations_lists_none_and_rejects_bad_status(client: TestClient) -> None:
    await login(client)
    resp = await client.get("/api/escalations?status=open")
    assert resp.status == 200
    assert await resp.json() == []
    bad = await client.get("/api/escalations?status=nonsense")
    assert bad.status == 400
    assert "unknown status" in (await bad.json())["error"]


async def test_chat_page_and_health_are_public(client: TestClient) -> None:
    chat = await client.get("/")
    assert chat.status == 200
    html = await chat.text()
    assert "data-ally-widget" in html
    for number in ("988", "741741", "911"):  # the US crisis resources are always on the page
        assert number in html
    health = await client.get("/healthz")
    assert await health.json() == {"status": "ok"}
