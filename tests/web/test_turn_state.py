"""A turn's database state in one transaction, and each part on its own when that fails."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestServer

from bot.storage.engine import Database
from bot.storage.tables import conversation_sessions
from bot.supporter.takeover import start_takeover
from bot.web.turn_state import count_and_read
from tests.unit.supporter.helpers import add_risk


def turns_counted(database: Database, conversation_id: str) -> int:
    def read(connection: Any) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(conversation_sessions.c.turns), 0))
        return int(
            connection.execute(
                query.where(conversation_sessions.c.conversation_id == conversation_id)
            ).scalar_one()
        )

    return database.run_sync(read)


async def test_counts_the_turn_and_reads_takeover_and_escalation(
    server: TestServer, database: Database
) -> None:
    state = await count_and_read(server.app, "conv-1", with_escalation=True)
    assert (state.takeover, state.escalation_open) == (None, False)
    add_risk(database, "conv-1", "high")
    database.run_sync(start_takeover, conversation_id="conv-1", supporter="sam")
    state = await count_and_read(server.app, "conv-1", with_escalation=True)
    assert state.takeover is not None and state.takeover.supporter == "sam"
    assert state.escalation_open is True
    state = await count_and_read(server.app, "conv-1", with_escalation=False)
    assert state.escalation_open is None
    assert turns_counted(database, "conv-1") == 3


async def test_a_session_count_that_fails_never_hides_a_takeover(
    server: TestServer, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.run_sync(start_takeover, conversation_id="conv-2", supporter="sam")

    def cannot_write(connection: Any, **_: Any) -> None:
        raise sa.exc.OperationalError("update", {}, Exception("database is locked"))

    monkeypatch.setattr("bot.web.turn_state.record_turn", cannot_write)
    state = await count_and_read(server.app, "conv-2", with_escalation=True)
    assert state.takeover is not None, "the takeover is read on its own"
    assert state.escalation_open is False
    assert turns_counted(database, "conv-2") == 0
