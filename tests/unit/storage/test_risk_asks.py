"""Ally's direct question is recorded without text, answered once, and found after a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.storage.engine import Database
from bot.storage.risk_asks import open_ask, record_answer, record_ask
from bot.storage.tables import risk_asks

HOUR = timedelta(hours=1)


def _ask(database: Database, message_id: str = "m1", conversation_id: str = "c1") -> int:
    return database.run_sync(
        record_ask, conversation_id=conversation_id, message_id=message_id, score=0.6,
        raised=True, category="self_harm",
    )  # fmt: skip


def test_an_unanswered_question_is_open(database: Database) -> None:
    ask_id = _ask(database)
    found = database.run_sync(open_ask, conversation_id="c1", within=HOUR)
    assert found is not None and found.id == ask_id and found.category == "self_harm"
    assert database.run_sync(open_ask, conversation_id="other", within=HOUR) is None


def test_an_answered_question_is_closed_and_keeps_its_first_answer(database: Database) -> None:
    ask_id = _ask(database)
    database.run_sync(record_answer, ask_id=ask_id, answer="no")
    database.run_sync(record_answer, ask_id=ask_id, answer="yes")
    assert database.run_sync(open_ask, conversation_id="c1", within=HOUR) is None
    answers = database.run_sync(lambda c: c.execute(sa.select(risk_asks.c.answer)).scalars().all())
    assert answers == ["no"]


def test_an_old_question_is_no_longer_open(database: Database) -> None:
    _ask(database)
    assert database.run_sync(open_ask, conversation_id="c1", within=timedelta(0)) is None


def test_a_resent_message_records_one_question(database: Database) -> None:
    assert _ask(database) == _ask(database)
    count = database.run_sync(
        lambda c: c.execute(sa.select(sa.func.count()).select_from(risk_asks)).scalar()
    )
    assert count == 1


def test_an_unknown_answer_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="answer must be one of"):
        database.run_sync(record_answer, ask_id=_ask(database), answer="perhaps")
