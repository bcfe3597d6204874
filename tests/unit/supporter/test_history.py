from datetime import datetime, timedelta, timezone

import pytest

from bot.storage.engine import Database
from bot.supporter import claims, history
from bot.supporter.errors import InvalidInputError
from tests.unit.supporter.helpers import add_risk

SAM = claims.Actor("sam", "supporter")


def _resolve(database: Database, escalation_id: int, outcome: str) -> None:
    database.run_sync(claims.resolve, escalation_id=escalation_id, actor=SAM, outcome=outcome)


def test_search_filters_and_pages(database: Database) -> None:
    day = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
    ids = {}
    for i, (category, outcome) in enumerate(
        [("self_harm", "contacted"), ("suicidal_ideation", "false_alarm"), ("self_harm", "other")]
    ):
        ids[i] = add_risk(
            database, f"conv{i}", categories=(category,), created_at=day + timedelta(days=i)
        )
        _resolve(database, ids[i], outcome)
    add_risk(database, "still-open")

    def search(**params: str) -> list[str]:
        query, page = history.parse_filters(params)
        result = database.run_sync(history.search, query=query, page=page)
        return sorted(e.conversation_id for e in result.items)

    assert search() == ["conv0", "conv1", "conv2"]
    assert search(category="self_harm") == ["conv0", "conv2"]
    assert search(category="harm") == []  # whole categories only
    assert search(outcome="false_alarm") == ["conv1"]
    assert search(conversation_id="conv2") == ["conv2"]
    assert search(**{"from": "2026-03-11", "to": "2026-03-11"}) == ["conv1"]
    assert search(**{"from": "2026-03-11"}) == ["conv1", "conv2"]

    query, _ = history.parse_filters({})
    first = database.run_sync(history.search, query=query, page=1, page_size=2)
    second = database.run_sync(history.search, query=query, page=2, page_size=2)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (3, 2, 2, 1)
    assert {e.id for e in first.items} | {e.id for e in second.items} == set(ids.values())


@pytest.mark.parametrize(
    "params",
    [
        {"category": "Self Harm"},
        {"category": "%"},
        {"outcome": "maybe"},
        {"from": "yesterday"},
        {"to": "2026-02-30"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"conversation_id": "x" * 129},
    ],
)
def test_bad_filters_are_refused(params: dict[str, str]) -> None:
    with pytest.raises(InvalidInputError):
        history.parse_filters(params)
