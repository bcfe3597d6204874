"""Browsers on other sites cannot open the widget's socket unless the origin is configured."""

from pathlib import Path

import pytest
import socketio
from aiohttp.test_utils import TestServer

from bot.storage.engine import Database
from bot.web.app import create_app
from bot.web.origins import socketio_origins
from tests.conftest import make_settings


async def _connects(port: int, origin: str) -> bool:
    client = socketio.AsyncClient(reconnection=False)
    try:
        await client.connect(
            f"http://127.0.0.1:{port}", transports=["websocket"], headers={"Origin": origin}
        )
    except socketio.exceptions.ConnectionError:
        return False
    await client.disconnect()
    return True


async def test_own_origin_connects_and_a_foreign_one_is_refused(server: TestServer) -> None:
    assert await _connects(server.port, f"http://127.0.0.1:{server.port}")
    assert not await _connects(server.port, "https://evil.example")


async def test_a_configured_host_site_may_connect(tmp_path: Path, database: Database) -> None:
    settings = make_settings(
        tmp_path,
        ALLY_DATABASE_URL=str(database.engine.url),
        ALLY_WIDGET_ORIGINS="https://clinic.example",
    )
    server = TestServer(create_app(settings, database=database), host="127.0.0.1")
    await server.start_server()
    try:
        assert await _connects(server.port, "https://clinic.example")
        assert not await _connects(server.port, "https://evil.example")
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://ally.example", True),
        ("https://proxy.example", True),
        ("https://clinic.example", True),
        ("https://evil.example", False),
    ],
)
def test_origin_check_knows_its_own_host_behind_a_proxy(origin: str, allowed: bool) -> None:
    environ = {
        "HTTP_HOST": "ally.example",
        "wsgi.url_scheme": "http",
        "HTTP_X_FORWARDED_HOST": "proxy.example",
        "HTTP_X_FORWARDED_PROTO": "https",
    }
    assert socketio_origins(["https://clinic.example/"])(origin, environ) is allowed
