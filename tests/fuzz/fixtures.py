"""Fixtures for the web fuzz tests: the real app on a TestServer with a fake Rasa.

The app, the fake Rasa and the database come from tests/web/conftest.py. On top of them:
seeded escalations and conversations to aim at, and logged-in clients for each role.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from bot.storage import tables
from bot.storage.accounts import create_account
from bot.storage.engine import Database
from bot.storage.escalations import FlaggedMessage, record_flagged_message
from bot.web.auth import hash_password
from tests.web import conftest as web_fixtures

# Re-used from tests/web (conftest.py re-exports the fixtures to the fuzz tests).
PASSWORD, FakeRasa, Widget = web_fixtures.PASSWORD, web_fixtures.FakeRasa, web_fixtures.Widget
database, fake_rasa = web_fixtures.database, web_fixtures.fake_rasa
server, web_settings = web_fixtures.server, web_fixtures.web_settings

# Accounts the fuzzer logs in as; "victim" accounts are the targets of the admin endpoints,
# so a generated PATCH or password reset never locks the fuzzer itself out.
STAFF = {"sam": "supporter", "ada": "admin", "rita": "researcher"}
VICTIMS = {"vic": "supporter", "val": "supporter"}
CONVERSATIONS = ("conv-known-1", "conv-known-2")


@dataclass
class Caller:
    """One way of calling the API: a client (maybe logged in) and the headers it sends."""

    name: str
    client: TestClient
    headers: dict[str, str]


def row_counts(database: Database) -> dict[str, int]:
    """Return the number of rows in every table of Ally's database (one query)."""
    names = sorted(tables.metadata.tables)
    query = sa.select(
        *(
            sa.select(sa.func.count()).select_from(tables.metadata.tables[name]).scalar_subquery()
            for name in names
        )
    )
    with database.engine.connect() as connection:
        values = connection.execute(query).one()
    return dict(zip(names, values, strict=True))


def _seed(database: Database) -> dict[str, list[int]]:
    hashed = hash_password(PASSWORD)
    ids: dict[str, list[int]] = {"victims": [], "escalations": []}
    for username, role in {**STAFF, **VICTIMS}.items():
        account = database.run_sync(
            create_account, username=username, role=role, password_hash=hashed
        )
        if username in VICTIMS:
            ids["victims"].append(int(account.id))
    for number, conversation_id in enumerate(CONVERSATIONS):
        message = FlaggedMessage(
            conversation_id=conversation_id,
            message_id=f"seed-{number}",
            severity="high",
            categories=["suicidal_ideation"],
            matches=[],
            excerpt="seeded",
            source="web",
        )
        ids["escalations"].append(database.run_sync(record_flagged_message, message=message))
    return ids


@pytest.fixture
def seeded(database: Database) -> dict[str, list[int]]:
    """Accounts, two conversations and their open escalations; returns the target ids."""
    return _seed(database)


@pytest.fixture
async def callers(server: TestServer, seeded: dict[str, list[int]]) -> AsyncIterator[list[Caller]]:
    """Anonymous, each role with its CSRF token, one without it, and one from another site."""
    made: list[TestClient] = []

    async def new_client() -> TestClient:
        client = TestClient(server)
        await client.start_server()
        made.append(client)
        return client

    async def logged_in(username: str) -> tuple[TestClient, str]:
        client = await new_client()
        resp = await client.post("/api/login", json={"username": username, "password": PASSWORD})
        assert resp.status == 200, await resp.text()
        return client, str((await resp.json())["csrf_token"])

    found = [Caller("anonymous", await new_client(), {})]
    for username in STAFF:
        client, csrf = await logged_in(username)
        found.append(Caller(username, client, {"X-CSRF-Token": csrf}))
    client, csrf = await logged_in("sam")
    found.append(Caller("sam-no-csrf", client, {}))
    found.append(
        Caller("sam-cross-site", client, {"X-CSRF-Token": csrf, "Origin": "https://evil.example"})
    )
    yield found
    for client in made:
        await client.close()
