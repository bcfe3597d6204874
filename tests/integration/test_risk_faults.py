"""Escalations are never lost: real process kills and a real PostgreSQL going down."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.risk.resources import crisis_followup_text, crisis_text
from bot.storage.engine import Database
from bot.storage.migrate import upgrade
from bot.storage.tables import escalation_messages, escalations
from tests.integration.clients import Person
from tests.integration.harness import PROJECT_DIR, Postgres, ProcessStack, free_port

pytestmark = pytest.mark.slow
CRISIS = crisis_text("US")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    server = Postgres()
    try:
        server.init()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def fault_stack(
    tmp_path_factory: pytest.TempPathFactory, postgres: Postgres
) -> Iterator[ProcessStack]:
    var_dir: Path = tmp_path_factory.mktemp("fault-stack")
    settings = Settings.from_env(
        {
            "ALLY_ENV": "test",
            "ALLY_PROJECT_DIR": str(PROJECT_DIR),
            "ALLY_VAR_DIR": str(var_dir),
            "ALLY_DATABASE_URL": postgres.url,
            "ALLY_WEB_PORT": str(free_port()),
            "ALLY_RASA_PORT": str(free_port()),
            "ALLY_ACTIONS_PORT": str(free_port()),
            "ALLY_MODEL_DIR": str(PROJECT_DIR / "models"),
            "ALLY_RASA_TIMEOUT": "10",
        }
    )
    upgrade(settings.database_url)
    stack = ProcessStack(settings)
    try:
        for name in ("actions", "rasa", "web"):
            stack.start(name)
        yield stack
    finally:
        stack.stop_all()


@pytest.fixture
def db(postgres: Postgres) -> Iterator[Database]:
    database = Database.from_url(postgres.url)
    yield database
    database.close()


def counts(db: Database, conversation_id: str) -> tuple[int, int]:
    """(escalations, flagged messages) of a conversation."""

    def query(c: sa.Connection) -> tuple[int, int]:
        esc = c.execute(
            sa.select(sa.func.count()).where(escalations.c.conversation_id == conversation_id)
        ).scalar_one()
        msgs = c.execute(
            sa.select(sa.func.count())
            .select_from(escalation_messages.join(escalations))
            .where(escalations.c.conversation_id == conversation_id)
        ).scalar_one()
        return int(esc), int(msgs)

    return db.run_sync(query)


async def eventually(check, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            check()
            return
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


def web_url(stack: ProcessStack) -> str:
    return f"http://127.0.0.1:{stack.settings.web_port}"


async def test_action_server_down(fault_stack: ProcessStack, db: Database) -> None:
    fault_stack.kill("actions")
    person = Person()
    conversation = await person.start(web_url(fault_stack))
    try:
        replies = await person.say_until_quiet("i want to die")
        assert replies[0]["text"] == CRISIS
        assert counts(db, conversation) == (1, 1)
        fault_stack.start("actions")
        replies = await person.say_until_quiet("no i'm not safe")
        assert [r["text"] for r in replies] == [crisis_followup_text("US")]
    finally:
        await person.close()
    assert counts(db, conversation) == (1, 1)


async def test_rasa_down(fault_stack: ProcessStack, db: Database) -> None:
    fault_stack.kill("rasa")
    person = Person()
    conversation = await person.start(web_url(fault_stack))
    try:
        replies = await person.say_until_quiet("i've been cutting myself again")
        assert replies[0]["text"] == CRISIS, "the web app sends the crisis text itself"
        assert counts(db, conversation) == (1, 1)
    finally:
        await person.close()
        fault_stack.start("rasa")


async def test_database_down_then_web_app_restarted(
    fault_stack: ProcessStack, postgres: Postgres, db: Database
) -> None:
    person = Person()
    conversation = await person.start(web_url(fault_stack))
    postgres.stop()
    try:
        replies = await person.say_until_quiet("i'm going to kill myself tonight")
        assert replies[0]["text"] == CRISIS
    finally:
        await person.close()
    spool = fault_stack.settings.var_dir / "spool" / "escalations.jsonl"
    assert spool.exists() and spool.read_text().count("\n") == 1
    # The web app dies with the escalation only in its spool; it replays it when it is back.
    fault_stack.kill("web")
    postgres.start()
    fault_stack.start("web")
    await eventually(lambda: _assert_equal(counts(db, conversation), (1, 1)))
    await eventually(lambda: _assert_equal(spool.exists(), False))
    await asyncio.sleep(3)  # a second replay round must not duplicate
    assert counts(db, conversation) == (1, 1)


def _assert_equal(actual: object, expected: object) -> None:
    assert actual == expected
