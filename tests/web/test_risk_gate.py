"""The web app's risk layer with a fake Rasa: escalate first, always the crisis text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.risk.resources import crisis_text
from bot.storage.engine import Database
from bot.storage.escalations import count_flagged_messages, list_escalations
from bot.web.app import create_app
from bot.web.replies import MESSAGE_TOO_LONG
from tests.web.conftest import FakeRasa
from tests.web.test_chat import Widget

CRISIS = crisis_text("US")


@pytest.fixture
async def widget(web_settings: Settings, database: Database) -> AsyncIterator[Widget]:
    server = TestServer(create_app(web_settings, database=database), host="127.0.0.1")
    await server.start_server()
    client = Widget()
    await client.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
    yield client
    await client.sio.disconnect()
    await server.close()


async def replies_until_quiet(widget: Widget, first: dict[str, Any]) -> list[dict[str, Any]]:
    import asyncio

    replies = [first]
    while True:
        try:
            replies.append(await asyncio.wait_for(widget.uttered.get(), 0.5))
        except asyncio.TimeoutError:
            return replies


async def test_escalation_is_committed_before_rasa_sees_the_message(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database
) -> None:
    rasa, _ = fake_rasa
    seen_at_rasa: list[int] = []
    rasa.on_request = lambda: seen_at_rasa.append(len(database.run_sync(list_escalations)))
    rasa.replies = [{"text": CRISIS}]
    conversation = await widget.session()
    first = await widget.say("i want to kill myself")
    assert [r["text"] for r in await replies_until_quiet(widget, first)] == [CRISIS]
    assert seen_at_rasa == [1]
    metadata = rasa.received[-1]["metadata"]
    assert metadata["risk"]["risk"] is True and metadata["escalation_open"] is True
    assert database.run_sync(count_flagged_messages, conversation_id=conversation) == 1


@pytest.mark.parametrize("failure", ["empty", "http500", "other_text"])
async def test_crisis_text_is_sent_even_when_rasa_fails(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], failure: str
) -> None:
    rasa, _ = fake_rasa
    if failure == "empty":
        rasa.replies = []
    elif failure == "http500":
        rasa.status = 500
    else:
        rasa.replies = [{"text": "How are you feeling today?"}]
    await widget.session()
    first = await widget.say("i took too many pills")
    texts = [r["text"] for r in await replies_until_quiet(widget, first)]
    assert texts[0] == CRISIS
    assert "Sorry, something went wrong" not in " ".join(texts)


async def test_database_down_spools_the_escalation(
    tmp_path: Path, web_settings: Settings, fake_rasa: tuple[FakeRasa, int]
) -> None:
    broken = Database.from_url(f"sqlite:///{tmp_path / 'not-migrated.db'}")
    server = TestServer(create_app(web_settings, database=broken), host="127.0.0.1")
    await server.start_server()
    client = Widget()
    try:
        await client.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await client.session()
        first = await client.say("he hits me and i'm scared to go home")
        assert (await replies_until_quiet(client, first))[0]["text"] == CRISIS
        await client.sio.disconnect()
    finally:
        await server.close()
        broken.close()
    spool = web_settings.var_dir / "spool" / "escalations.jsonl"
    assert spool.read_text().count("\n") == 1
    assert '"abuse_or_unsafe"' in spool.read_text()


async def test_spool_is_replayed_once_the_database_is_back(
    web_settings: Settings, database: Database, fake_rasa: tuple[FakeRasa, int]
) -> None:
    from bot.storage.escalations import FlaggedMessage
    from bot.storage.spool import Spool

    spool = Spool(web_settings.var_dir / "spool" / "escalations.jsonl")
    message = FlaggedMessage("c9", "m9", "high", ["self_harm"], [], "excerpt", "web")
    spool.append(message.to_json())
    spool.append(message.to_json())  # a duplicate must still be stored once
    server = TestServer(create_app(web_settings, database=database), host="127.0.0.1")
    await server.start_server()  # start-up replays the spool
    await server.close()
    assert database.run_sync(count_flagged_messages, conversation_id="c9") == 1
    assert not spool.path.exists()


async def test_risk_buried_in_an_overlong_message_is_still_caught(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database
) -> None:
    rasa, _ = fake_rasa
    text = (
        "work was long and boring. " * 200 + "i want to die. " + "anyway the bus was late. " * 200
    )
    conversation = await widget.session()
    first = await widget.say(text)
    texts = [r["text"] for r in await replies_until_quiet(widget, first)]
    assert texts == [CRISIS, MESSAGE_TOO_LONG]
    assert rasa.received == []
    assert database.run_sync(count_flagged_messages, conversation_id=conversation) == 1


def _risk_asks(database: Database) -> list[Any]:
    import sqlalchemy as sa

    from bot.storage.tables import risk_asks

    return database.run_sync(lambda connection: connection.execute(sa.select(risk_asks)).all())


# Chosen so that the rules do not match and the classifier is between the ask and escalate
# thresholds: the test patches the classifier's probability to make the tier certain.
AMBIGUOUS = "things have been a lot lately"


@pytest.fixture
def ask_tier(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.risk import learning
    from tests.unit.risk.fakes import FixedClassifier

    fixed = FixedClassifier(0.6)
    real = learning.get_classifier()

    class Mixed:
        """The real classifier, except that AMBIGUOUS scores 0.6."""

        def probability(self, text: str) -> float:
            return fixed.probability(text) if text == AMBIGUOUS else real.probability(text)

        def category(self, text: str) -> str:
            return real.category(text)

        def explain(self, text: str, limit: int = 5) -> Any:
            return real.explain(text, limit)

    monkeypatch.setattr(learning, "get_classifier", lambda: Mixed())


async def test_an_ask_is_recorded_without_text_and_rasa_is_told_to_ask(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database, ask_tier: None
) -> None:
    rasa, _ = fake_rasa
    rasa.replies = [{"text": "Is that happening for you?"}]
    conversation = await widget.session()
    first = await widget.say(AMBIGUOUS)
    await replies_until_quiet(widget, first)
    metadata = rasa.received[-1]["metadata"]["risk"]
    assert metadata["action"] == "ask" and metadata["risk"] is False
    rows = _risk_asks(database)
    assert len(rows) == 1 and rows[0].conversation_id == conversation and rows[0].answer is None
    assert AMBIGUOUS not in repr(tuple(rows[0]))
    assert database.run_sync(list_escalations) == []


@pytest.mark.parametrize("reply", ["yes", "/risk_check_yes", "not sure"])
async def test_an_ask_answered_yes_escalates_exactly_once(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database, ask_tier: None,
    reply: str,
) -> None:  # fmt: skip
    rasa, _ = fake_rasa
    rasa.replies = [{"text": "Is that happening for you?"}]
    conversation = await widget.session()
    await replies_until_quiet(widget, await widget.say(AMBIGUOUS))
    rasa.replies = [{"text": CRISIS}]
    texts = [r["text"] for r in await replies_until_quiet(widget, await widget.say(reply))]
    assert texts[0] == CRISIS
    assert rasa.received[-1]["metadata"]["risk"]["risk"] is True
    assert database.run_sync(count_flagged_messages, conversation_id=conversation) == 1
    rasa.replies = [{"text": "I'm here."}]
    await replies_until_quiet(widget, await widget.say("yes"))  # no question pending now
    assert database.run_sync(count_flagged_messages, conversation_id=conversation) == 1
    assert [row.answer for row in _risk_asks(database)] == [
        "unsure" if reply == "not sure" else "yes"
    ]


async def test_an_ask_answered_no_carries_on_watched(
    widget: Widget, fake_rasa: tuple[FakeRasa, int], database: Database, ask_tier: None
) -> None:
    rasa, _ = fake_rasa
    rasa.replies = [{"text": "Is that happening for you?"}]
    conversation = await widget.session()
    await replies_until_quiet(widget, await widget.say(AMBIGUOUS))
    rasa.replies = [{"text": "Thank you for telling me."}]
    await replies_until_quiet(widget, await widget.say("no"))
    metadata = rasa.received[-1]["metadata"]["risk"]
    assert metadata["ask_answer"] == "no" and metadata["risk"] is False
    assert database.run_sync(count_flagged_messages, conversation_id=conversation) == 0
    assert [row.answer for row in _risk_asks(database)] == ["no"]
    await replies_until_quiet(widget, await widget.say("ok"))
    assert "context:watched" in rasa.received[-1]["metadata"]["risk"]["reasons"] or (
        rasa.received[-1]["metadata"]["risk"]["action"] == "none"
    )
