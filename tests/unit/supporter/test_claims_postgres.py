"""The claim race, history search and outbox on PostgreSQL (the other tests use SQLite)."""

import itertools
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.storage.escalations import get_escalation
from bot.storage.migrate import upgrade
from bot.supporter import claims, history, outbox
from bot.supporter.errors import ConflictError
from tests.pg import postgres_server, postgres_url  # noqa: F401  (fixtures)
from tests.unit.supporter.helpers import add_risk

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
_numbers = itertools.count(1)


@pytest.fixture
def pg(postgres_url: str, tmp_path: Path) -> Iterator[Database]:  # noqa: F811
    name = f"ally_claims_{next(_numbers)}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    database = Database.from_url(url)
    yield database
    database.close()


def test_exactly_one_concurrent_claim_wins_on_postgres(pg: Database) -> None:
    escalation_id = add_risk(pg, "c1")
    contenders = 8
    barrier = threading.Barrier(contenders)
    results: list[str] = []

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            pg.run_sync(
                claims.claim,
                escalation_id=escalation_id,
                actor=claims.Actor(f"s{index}", "supporter"),
            )
            results.append("won")
        except ConflictError:
            results.append("lost")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["lost"] * (contenders - 1) + ["won"]
    assert pg.run_sync(get_escalation, escalation_id=escalation_id).status == "claimed"


def test_history_category_search_and_outbox_on_postgres(pg: Database) -> None:
    escalation_id = add_risk(pg, "c1", categories=("self_harm",))
    pg.run_sync(
        claims.resolve,
        escalation_id=escalation_id,
        actor=claims.Actor("s", "supporter"),
        outcome="other",
    )
    query, page = history.parse_filters({"category": "self_harm"})
    assert pg.run_sync(history.search, query=query, page=page).total == 1
    query, page = history.parse_filters({"category": "harm"})
    assert pg.run_sync(history.search, query=query, page=page).total == 0
    add_risk(pg, "c2", "imminent", created_at=utcnow() - timedelta(minutes=10))
    assert pg.run_sync(outbox.enqueue_due, now=utcnow(), target_seconds=300) == 2
    assert pg.run_sync(outbox.enqueue_due, now=utcnow(), target_seconds=300) == 0
