"""The widget's public routes: chat page, built assets, crisis resources, embed demo, consent."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from html import escape as html_escape
from pathlib import Path
from typing import Any

import pytest
import socketio
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.risk.resources import crisis_resources, known_locales
from bot.storage.audit import list_audit
from bot.storage.engine import Database
from bot.web.app import create_app
from bot.web.widget_views import resources_to_json

PROJECT_DIR = Path(__file__).resolve().parents[2]
FALLBACK = PROJECT_DIR / "widget" / "src" / "crisis-fallback.json"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


async def test_chat_page_mounts_the_widget_with_server_rendered_help(
    client: TestClient, web_settings: Settings
) -> None:
    resp = await client.get("/")
    assert resp.status == 200
    html = await resp.text()
    assert "data-ally-widget" in html
    assert '<script src="/static/dist/widget.js"></script>' in html
    assert 'id="ally-help"' in html
    help_ = crisis_resources(web_settings.locale)
    assert help_.emergency in html
    for resource in help_.resources:
        assert html_escape(resource.line(), quote=False) in html
    assert not INLINE_SCRIPT.search(html), "no inline scripts: the CSP forbids them"


@pytest.mark.parametrize("path", ["/", "/embed-demo", "/api/crisis-resources"])
async def test_csp_forbids_inline_script(client: TestClient, path: str) -> None:
    resp = await client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.parametrize("name", ["widget.js", "embed.js", "widget.css"])
async def test_built_assets_are_served_without_login(client: TestClient, name: str) -> None:
    resp = await client.get(f"/static/dist/{name}")
    assert resp.status == 200
    body = await resp.read()
    assert len(body) > 1000
    expected = "text/css" if name.endswith(".css") else "javascript"
    assert expected in resp.headers["Content-Type"]
    if name.endswith(".js"):
        text = body.decode()
        assert "session_request" in text and "ally_consent" in text
        assert "cdn" not in text.lower(), "socket.io-client is bundled, never fetched from a CDN"


@pytest.mark.parametrize("locale", sorted(known_locales()))
async def test_crisis_resources_json_is_the_risk_table(client: TestClient, locale: str) -> None:
    resp = await client.get("/api/crisis-resources", params={"locale": locale.lower()})
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    body = await resp.json()
    table = crisis_resources(locale)
    assert body["locale"] == locale
    assert body["emergency"] == table.emergency
    assert [r["line"] for r in body["resources"]] == [r.line() for r in table.resources]


async def test_crisis_resources_default_to_the_app_locale(
    client: TestClient, web_settings: Settings
) -> None:
    resp = await client.get("/api/crisis-resources")
    assert resp.status == 200
    assert (await resp.json())["locale"] == web_settings.locale


@pytest.mark.parametrize(("locale", "status"), [("XX", 404), ("en-" + "Z" * 40, 400)])
async def test_crisis_resources_bad_locale_is_a_json_4xx(
    client: TestClient, locale: str, status: int
) -> None:
    resp = await client.get("/api/crisis-resources", params={"locale": locale})
    assert resp.status == status
    body = await resp.json()
    assert "error" in body
    if status == 404:
        assert body["known_locales"] == list(known_locales())


def test_the_widget_fallback_matches_the_risk_table() -> None:
    baked = json.loads(FALLBACK.read_text(encoding="utf-8"))
    assert set(baked) == set(known_locales())
    for locale in known_locales():
        assert baked[locale] == resources_to_json(crisis_resources(locale)), (
            f"widget/src/crisis-fallback.json is stale for {locale}: regenerate it (docs/widget.md)"
        )


async def test_embed_demo_page_uses_the_snippet(client: TestClient, web_settings: Settings) -> None:
    resp = await client.get("/embed-demo")
    assert resp.status == 200
    html = await resp.text()
    assert '<script src="/static/dist/embed.js"></script>' in html
    assert '<script src="/embed-demo/config.js"></script>' in html
    assert not INLINE_SCRIPT.search(html)
    config = await client.get("/embed-demo/config.js")
    assert config.status == 200
    assert "javascript" in config.headers["Content-Type"]
    text = await config.text()
    assert text.startswith("window.AllyConfig = ")
    values = json.loads(text.removeprefix("window.AllyConfig = ").rstrip().rstrip(";"))
    assert values["server"] == f"http://{config.url.host}:{config.url.port}"
    assert values["locale"] == web_settings.locale
    assert values["container"] == "#ally-chat"


class Widget:
    """A socket.io client speaking the widget's events."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)

    async def consent(self, data: Any) -> Any:
        return await self.sio.call("ally_consent", data, timeout=5)


@pytest.fixture
async def widget(web_settings: Settings, database: Database) -> AsyncIterator[Widget]:
    server = TestServer(create_app(web_settings, database=database), host="127.0.0.1")
    await server.start_server()
    client = Widget()
    await client.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
    yield client
    await client.sio.disconnect()
    await server.close()


async def test_consent_is_recorded_for_the_sockets_own_conversation(
    widget: Widget, database: Database
) -> None:
    await widget.sio.emit("session_request", {"session_id": None})
    session_id = await asyncio.wait_for(widget.confirmed.get(), 5)
    ack = await widget.consent({"notice_version": "2026-11-25", "session_id": "not-mine"})
    assert ack == {"ok": True}
    rows = database.run_sync(list_audit, target_id=session_id)
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor, row.action, row.target_type) == (
        "participant", "consent_given", "conversation",
    )  # fmt: skip
    assert row.detail == {"notice_version": "2026-11-25"}
    assert database.run_sync(list_audit, target_id="not-mine") == []


@pytest.mark.parametrize(
    "data", [None, "yes", {}, {"notice_version": 3}, {"notice_version": "<b>" * 20}]
)
async def test_bad_consent_payload_records_nothing(
    widget: Widget, database: Database, data: Any
) -> None:
    await widget.sio.emit("session_request", {"session_id": None})
    await asyncio.wait_for(widget.confirmed.get(), 5)
    ack = await widget.consent(data)
    assert ack["ok"] is False and ack["error"]
    assert [r for r in database.run_sync(list_audit) if r.action == "consent_given"] == []


async def test_consent_before_session_request_is_refused(
    widget: Widget, database: Database
) -> None:
    ack = await widget.consent({"notice_version": "1"})
    assert ack == {"ok": False, "error": "send session_request first"}
    assert database.run_sync(list_audit) == []


async def test_built_assets_are_served_compressed(client: TestClient) -> None:
    # gzip only: the test client cannot decode brotli (the .br files are served the same way).
    resp = await client.get("/static/dist/widget.js", headers={"Accept-Encoding": "gzip"})
    assert resp.status == 200
    assert resp.headers["Content-Encoding"] == "gzip"
    assert int(resp.headers["Content-Length"]) < 100 * 1024
