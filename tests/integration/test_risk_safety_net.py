"""The risk safety net against the real stack started by `ally up` (SQLite)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import aiohttp
import pytest
import sqlalchemy as sa

from bot.risk.resources import crisis_followup_text, crisis_text
from bot.storage.engine import Database
from bot.storage.tables import escalation_messages, escalations
from tests.integration.clients import Person
from tests.integration.conftest import Stack

pytestmark = pytest.mark.slow
CRISIS = crisis_text("US")
FOLLOWUP = crisis_followup_text("US")


@pytest.fixture
def db(stack: Stack) -> Iterator[Database]:
    database = Database.from_url(stack.database_url)
    yield database
    database.close()


def escalation_rows(db: Database, conversation_id: str) -> list[sa.Row]:
    return list(
        db.run_sync(
            lambda c: c.execute(
                sa.select(escalations).where(escalations.c.conversation_id == conversation_id)
            ).all()
        )
    )


def flagged_rows(db: Database, conversation_id: str) -> list[sa.Row]:
    return list(
        db.run_sync(
            lambda c: c.execute(
                sa.select(escalation_messages)
                .join(escalations)
                .where(escalations.c.conversation_id == conversation_id)
            ).all()
        )
    )


async def wait_for(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.2)


async def test_risk_inside_check_in_gets_crisis_and_one_escalation(
    stack: Stack, db: Database
) -> None:
    person = Person()
    conversation = await person.start(stack.web_url)
    try:
        await person.say("hi", expect=2)
        replies = await person.say_until_quiet("honestly i just want to kill myself")
        assert [r["text"] for r in replies] == [CRISIS]
        (row,) = escalation_rows(db, conversation)
        assert (row.kind, row.status, row.severity) == ("risk", "open", "high")
        assert "suicidal_ideation" in row.categories
        assert row.matches and row.matches[0]["rule_id"]

        # "I'm fine" does not close the path, and no exercise starts while it is open.
        assert [r["text"] for r in await person.say_until_quiet("i'm fine")] == [FOLLOWUP]
        followup = await person.say_until_quiet("can we do a check in")
        assert [r["text"] for r in followup] == [FOLLOWUP]
        await wait_for(lambda: len(escalation_rows(db, conversation)[0].context["replies"]) == 2)

        # A second, worse disclosure raises the same escalation instead of adding one.
        replies = await person.say_until_quiet("i've got pills saved up for tonight")
        assert [r["text"] for r in replies] == [CRISIS]
        (row,) = escalation_rows(db, conversation)
        assert row.severity == "imminent"
        assert len(flagged_rows(db, conversation)) == 2
    finally:
        await person.close()


async def test_everyday_messages_raise_nothing(stack: Stack, db: Database) -> None:
    person = Person()
    conversation = await person.start(stack.web_url)
    try:
        for text in ("this homework is killing me", "i would never hurt myself", "feeling meh"):
            replies = await person.say_until_quiet(text)
            assert CRISIS not in [r.get("text") for r in replies]
    finally:
        await person.close()
    assert escalation_rows(db, conversation) == []


async def test_direct_rest_message_is_escalated_by_the_action(stack: Stack, db: Database) -> None:
    sender = f"rest-{uuid.uuid4().hex}"
    async with aiohttp.ClientSession() as http:
        resp = await http.post(
            f"{stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": "i want to end my life"},
        )
        replies = await resp.json()
    assert [r["text"] for r in replies] == [CRISIS]
    await wait_for(lambda: len(escalation_rows(db, sender)) == 1)
    (flagged,) = flagged_rows(db, sender)
    assert flagged.source == "rasa"
