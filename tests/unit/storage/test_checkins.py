import asyncio

import pytest

from bot.storage.checkins import mood_history, record_mood
from bot.storage.engine import Database


def test_record_and_read_back_moods(database: Database) -> None:
    for rating in (3, 7, 10):
        database.run_sync(record_mood, conversation_id="c1", rating=rating)
    database.run_sync(record_mood, conversation_id="other", rating=0)
    assert database.run_sync(mood_history, conversation_id="c1") == [10, 7, 3]


@pytest.mark.parametrize("rating", [-1, 11])
def test_out_of_range_rating_is_refused_and_nothing_written(
    database: Database, rating: int
) -> None:
    with pytest.raises(ValueError, match="between 0 and 10"):
        database.run_sync(record_mood, conversation_id="c1", rating=rating)
    assert database.run_sync(mood_history, conversation_id="c1") == []


def test_async_runner_returns_result(database: Database) -> None:
    async def scenario() -> list[int]:
        await database.run(record_mood, conversation_id="c2", rating=5)
        return await database.run(mood_history, conversation_id="c2")

    assert asyncio.run(scenario()) == [5]
