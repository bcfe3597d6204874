from datetime import timedelta

import sqlalchemy as sa

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.storage.sessions import IDLE_GAP, record_turn
from bot.storage.tables import conversation_sessions


def _sessions(database: Database, conversation_id: str) -> list[tuple[int, int]]:
    query = (
        sa.select(conversation_sessions.c.id, conversation_sessions.c.turns)
        .where(conversation_sessions.c.conversation_id == conversation_id)
        .order_by(conversation_sessions.c.id)
    )
    return [tuple(row) for row in database.run_sync(lambda c: c.execute(query).all())]


def test_turns_close_together_share_a_session(database: Database) -> None:
    start = utcnow()
    first = database.run_sync(record_turn, conversation_id="c1", at=start)
    second = database.run_sync(record_turn, conversation_id="c1", at=start + timedelta(minutes=5))
    assert first == second
    assert _sessions(database, "c1") == [(first, 2)]


def test_a_turn_after_the_idle_gap_starts_a_new_session(database: Database) -> None:
    start = utcnow()
    first = database.run_sync(record_turn, conversation_id="c2", at=start)
    later = start + IDLE_GAP + timedelta(seconds=1)
    second = database.run_sync(record_turn, conversation_id="c2", at=later)
    assert first != second
    assert _sessions(database, "c2") == [(first, 1), (second, 1)]
    assert _sessions(database, "other") == []
