"""`ally up --scale 2` for real: PostgreSQL, Redis, two Rasa replicas and two action servers.

A check-in and a risk message go through the web app's socket.io endpoint; the crisis text, the
escalation (exactly once) and Rasa's tracker events are checked in PostgreSQL. Then the Rasa
replica a conversation lives on is killed between two turns of a form: the other replica carries
on from the shared tracker store.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.ports import free_port, port_problem
from bot.risk.resources import crisis_text
from bot.storage.checkins import mood_history
from bot.storage.engine import Database
from bot.storage.tables import escalations
from bot.supporter.takeover import message_text
from bot.training import latest_model
from bot.web.rasa_pool import rank
from bot.web.replies import SOMETHING_WENT_WRONG
from tests.integration.clients import Person

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
PROJECT_DIR = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE = 600.0
CRISIS = crisis_text("US")


def consecutive_free_ports(count: int) -> int:
    """A base port with ``count`` free ports from it."""
    for _ in range(100):
        base = free_port()
        if base + count < 65536 and all(
            port_problem("127.0.0.1", base + i) is None for i in range(count)
        ):
            return base
    raise RuntimeError("no run of free ports")


@dataclass
class ScaledStack:
    process: subprocess.Popen[bytes]
    output: Path
    web_url: str
    rasa_ports: list[int]
    postgres_port: int

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    def database(self, name: str) -> Database:
        return Database.from_url(f"postgresql://ally@127.0.0.1:{self.postgres_port}/{name}")


@pytest.fixture(scope="module")
def scaled(request: pytest.FixtureRequest) -> Iterator[ScaledStack]:
    if latest_model(PROJECT_DIR / "models") is None:
        pytest.fail("no trained model in models/: run `make train` (make test does) first")
    # PostgreSQL runs as the postgres user: pytest's root-private temporary folders will not do.
    var_dir = Path(tempfile.mkdtemp(prefix="ally-scale-"))
    var_dir.chmod(0o755)
    rasa_base, actions_base = consecutive_free_ports(2), consecutive_free_ports(2)
    web, postgres, redis = free_port(), free_port(), free_port()
    env = dict(
        os.environ,
        ALLY_ENV="test",
        ALLY_VAR_DIR=str(var_dir),
        ALLY_WEB_PORT=str(web),
        ALLY_RASA_PORT=str(rasa_base),
        ALLY_ACTIONS_PORT=str(actions_base),
        ALLY_SCALE_POSTGRES_PORT=str(postgres),
        ALLY_SCALE_REDIS_PORT=str(redis),
        ALLY_MODEL_DIR=str(PROJECT_DIR / "models"),
        ALLY_RASA_TIMEOUT="30",
    )
    output = var_dir / "ally-up.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "up", "--scale", "2", "--no-train"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stack = ScaledStack(
        process, output, f"http://127.0.0.1:{web}", [rasa_base, rasa_base + 1], postgres
    )
    failed_before = request.session.testsfailed
    try:
        _wait_ready(stack)
        yield stack
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
        if request.session.testsfailed == failed_before:
            shutil.rmtree(var_dir, ignore_errors=True)
        else:
            print(f"logs kept in {var_dir / 'log'}")
    # Ctrl-C / SIGTERM stops PostgreSQL and Redis too: nothing listens on their ports.
    assert process.returncode == 0, output.read_text()
    assert nothing_listens(postgres) and nothing_listens(redis)


def nothing_listens(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _wait_ready(stack: ScaledStack) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            pytest.fail(f"ally up --scale 2 exited early:\n{stack.output.read_text()}")
        if "Ally is running" in stack.output.read_text():
            with urllib.request.urlopen(f"{stack.web_url}/healthz", timeout=5) as resp:
                assert resp.status == 200
            return
        time.sleep(0.5)
    pytest.fail(f"not ready in {STARTUP_DEADLINE:.0f} s:\n{stack.output.read_text()}")


def rasa_pid(port: int) -> int:
    """The process serving Rasa on ``port`` (its command line names the port)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"bot.nlu.rasa_server" in argv and str(port).encode() in argv:
            return int(entry.name)
    raise LookupError(f"no Rasa process on port {port}")


def tracker_events(stack: ScaledStack, conversation_id: str) -> list[tuple[str, str]]:
    """(type_name, intent or action name) of the conversation's events in Rasa's tracker store."""
    database = stack.database("rasa")
    try:
        rows = database.run_sync(
            lambda c: c.execute(
                sa.text(
                    "SELECT type_name, coalesce(intent_name, action_name, '') FROM events "
                    "WHERE sender_id = :s ORDER BY id"
                ),
                {"s": conversation_id},
            ).all()
        )
    finally:
        database.close()
    return [(row[0], row[1]) for row in rows]


def escalation_count(stack: ScaledStack, conversation_id: str) -> int:
    database = stack.database("ally")
    try:
        return int(
            database.run_sync(
                lambda c: c.execute(
                    sa.select(sa.func.count()).where(
                        escalations.c.conversation_id == conversation_id
                    )
                ).scalar_one()
            )
        )
    finally:
        database.close()


def moods(stack: ScaledStack, conversation_id: str) -> list[int]:
    database = stack.database("ally")
    try:
        return list(database.run_sync(mood_history, conversation_id=conversation_id))
    finally:
        database.close()


async def eventually(check, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def test_check_in_and_risk_on_postgres_and_redis(scaled: ScaledStack) -> None:
    person = Person()
    conversation = await person.start(scaled.web_url)
    try:
        greeting = await person.say_until_quiet("hi")
        assert SOMETHING_WENT_WRONG not in [r.get("text") for r in greeting]
        assert "0 (very low) to 10 (very good)" in greeting[-1]["text"]
        await person.say_until_quiet("7")
        replies = await person.say_until_quiet("honestly i just want to kill myself")
        assert replies[0]["text"] == CRISIS
    finally:
        await person.close()

    assert moods(scaled, conversation) == [7]

    def escalated_by_rasa_too() -> None:
        assert ("action", "action_escalate_risk") in tracker_events(scaled, conversation)

    await eventually(escalated_by_rasa_too)
    # The web app's escalation and action_escalate_risk's context are one row, not two.
    assert escalation_count(scaled, conversation) == 1
    user_turns = [name for kind, name in tracker_events(scaled, conversation) if kind == "user"]
    assert len(user_turns) == 3
    assert user_turns[-1] == "risk_disclosure"


async def test_killing_a_replica_leaves_the_conversation_working(scaled: ScaledStack) -> None:
    person = Person()
    conversation = await person.start(scaled.web_url)
    try:
        question = await person.say_until_quiet("hi")
        assert "0 (very low) to 10 (very good)" in question[-1]["text"]
        # Kill the replica this conversation lives on, between the question and the answer.
        home = rank(conversation, scaled.rasa_urls)[0]
        os.kill(rasa_pid(scaled.rasa_ports[home]), signal.SIGKILL)

        replies = await person.say_until_quiet("6")

        # The other replica read the form's state from PostgreSQL and went on from there.
        assert replies[0]["text"] == "Thanks for telling me. I've noted a 6 for today."
        replies = await person.say_until_quiet("i want to end it all")
        assert replies[0]["text"] == CRISIS
    finally:
        await person.close()
    assert moods(scaled, conversation) == [6]
    assert escalation_count(scaled, conversation) == 1
    user_turns = [kind for kind, _ in tracker_events(scaled, conversation) if kind == "user"]
    assert len(user_turns) == 3


async def test_delete_my_data_deletes_the_tracker_events_in_postgresql(
    scaled: ScaledStack,
) -> None:
    person = Person()
    conversation = await person.start(scaled.web_url)
    try:
        # Payload intents, as in test_alliance_flow.py: the classifier is not under test here.
        await person.say_until_quiet("/delete_my_data")
        assert ("user", "delete_my_data") in tracker_events(scaled, conversation)
        replies = await person.say_until_quiet("/affirm")
    finally:
        await person.close()
    assert message_text("deletion_done") in [r.get("text") for r in replies]
    assert tracker_events(scaled, conversation) == []  # Rasa's events, not only Ally's tables
