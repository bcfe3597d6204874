"""Fault injection under steady load on the default topology (`ally up`: one Rasa, SQLite).

Ten simulated people chat for 40 s; every third one (3 of 10) discloses risk, again on every loop
of their script. Ten seconds in, one service gets ``kill -9`` (or, for a hang, SIGSTOP: it
still runs and accepts connections but answers nothing); nothing in the test restarts it.
Afterwards:

- every message was acknowledged (the people re-send after reconnecting, like the widget);
- every risk message got the crisis text;
- every escalation exists exactly once: one per conversation at risk, holding each risk
  message once;
- no tracker event was lost or doubled: the user events per conversation in Rasa's tracker
  store are exactly the acknowledged messages, in order, each once;
- the supervisor restarted the service by itself, and a new person gets a normal answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.engine import Database
from tests.faults.checks import assert_newcomer_is_served, assert_nothing_lost, report
from tests.faults.people import Person, plans
from tests.faults.stack import SupervisedStack, make_stack, tracker_user_message_ids

pytestmark = pytest.mark.slow

PEOPLE = 10
LOAD_SECONDS = 40.0
FAULT_AFTER_SECONDS = 10.0
TEST_DEADLINE_SECONDS = 240.0  # the hard bound of one fault test, recovery included


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SupervisedStack]:
    stack = make_stack(tmp_path_factory.mktemp("faults"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def database(supervised: SupervisedStack) -> Iterator[Database]:
    db = Database.from_url(supervised.database_url)
    yield db
    db.close()


async def load_with_fault(
    stack: SupervisedStack, service: str, *, hang: bool = False
) -> tuple[list[Person], float]:
    """Run the load, kill (or hang) ``service`` part-way, wait for its recovery; return people,
    seconds."""
    people = [Person(stack.web_url, plan) for plan in plans(PEOPLE)]
    try:
        await asyncio.gather(*(person.start() for person in people))
        until = time.monotonic() + LOAD_SECONDS
        load = asyncio.gather(*(person.run(until) for person in people))
        await asyncio.sleep(FAULT_AFTER_SECONDS)
        old_pid = stack.hang(service) if hang else stack.kill(service)
        recovery = await stack.recovered(service, old_pid)
        await load
    finally:
        await asyncio.gather(*(person.close() for person in people))
    return people, recovery


def check_nothing_lost(stack: SupervisedStack, database: Database, people: list[Person]) -> None:
    tracker_db = stack.var_dir / "rasa-tracker.db"
    assert_nothing_lost(people, database, lambda c: tracker_user_message_ids(tracker_db, c))


async def check_recovered(stack: SupervisedStack, service: str) -> None:
    output = stack.output.read_text()
    assert f"{service} exited with code -9; restarting in" in output
    assert f"{service} is healthy again" in output
    await assert_newcomer_is_served(stack.web_url)


@pytest.mark.parametrize("service", ["actions", "web"])
async def test_kill_a_service_under_load(
    supervised: SupervisedStack, database: Database, service: str
) -> None:
    people, recovery = await asyncio.wait_for(
        load_with_fault(supervised, service), TEST_DEADLINE_SECONDS
    )
    report(f"kill -9 {service}", people, recovery)
    check_nothing_lost(supervised, database, people)
    await check_recovered(supervised, service)


async def test_hang_the_action_server_under_load(
    supervised: SupervisedStack, database: Database
) -> None:
    # Rasa's calls to the stopped action server hang until the supervisor's liveness checks
    # (3 in a row, 10 s each) have it killed and restarted: about a minute.
    people, recovery = await asyncio.wait_for(
        load_with_fault(supervised, "actions", hang=True), TEST_DEADLINE_SECONDS
    )
    report("SIGSTOP actions", people, recovery)
    check_nothing_lost(supervised, database, people)
    output = supervised.output.read_text()
    assert "actions did not answer 3 health checks in a row (10 s each) and was killed" in output
    await assert_newcomer_is_served(supervised.web_url)


def test_the_fault_stack_logs_no_message_text(supervised: SupervisedStack) -> None:
    # Runs after the faults (file order): crash handling must not leak what people typed.
    logs = "".join(p.read_text(errors="replace") for p in (supervised.var_dir / "log").glob("*"))
    for text in ("drained and a bit lonely", "i have been cutting myself again"):
        assert text not in logs
    assert Path(supervised.output).exists()
