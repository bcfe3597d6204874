"""WaitingRedisLockStore: a dead replica's ticket cannot strand the next turn (real Redis)."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.lock import Ticket, TicketLock
from rasa.utils.endpoints import EndpointConfig

from bot.nlu.resilient_lock import WaitingRedisLockStore, keep_waiting
from bot.ports import free_port
from bot.scaleout.redis import RedisServer

LIFETIME = 1.5
POLL = 1.0


@pytest.fixture
def redis_port(tmp_path: Path) -> Iterator[int]:
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    yield server.port
    server.stop()


def store(port: int) -> WaitingRedisLockStore:
    config = EndpointConfig(url="127.0.0.1", port=port, db=1, key_prefix="test")
    lock_store = WaitingRedisLockStore(endpoint_config=config)
    lock_store.lifetime = LIFETIME
    return lock_store


def test_keep_waiting_renews_the_waiter_and_drops_the_dead() -> None:
    now = time.time()
    lock = TicketLock("c", deque([Ticket(1, now - 1), Ticket(2, now + 0.5)]))
    keep_waiting(lock, 2, lifetime=10.0, now=now)
    assert [(t.number, t.expires) for t in lock.tickets] == [(2, now + 10.0)]
    assert not lock.is_locked(2)


def test_keep_waiting_puts_a_dropped_ticket_back_in_its_place() -> None:
    now = time.time()
    lock = TicketLock("c", deque([Ticket(1, now + 60), Ticket(3, now + 60)]))
    keep_waiting(lock, 2, lifetime=10.0, now=now)
    assert [t.number for t in lock.tickets] == [1, 2, 3]
    assert lock.is_locked(2)


def test_the_endpoint_config_reaches_redis(redis_port: int) -> None:
    lock_store = store(redis_port)
    assert lock_store.red.connection_pool.connection_kwargs["port"] == redis_port
    assert lock_store.key_prefix.startswith("test:")


def test_the_next_turn_gets_the_lock_after_a_replica_died_mid_turn(redis_port: int) -> None:
    """The dead ticket and the waiter's are issued 0.2 s apart and Rasa polls once a second:
    with Rasa's RedisLockStore the waiter's ticket expires before it looks again, and it waits
    for good; here it is served once the dead ticket has expired."""
    lock_store = store(redis_port)

    async def scenario() -> list[str]:
        lock_store.issue_ticket("conv", LIFETIME)  # the turn of the replica that was killed
        await asyncio.sleep(0.2)
        done = []
        async with lock_store.lock("conv", lock_lifetime=LIFETIME, wait_time_in_seconds=POLL):
            done.append("turn")
        return done

    assert asyncio.run(asyncio.wait_for(scenario(), 15)) == ["turn"]
    assert lock_store.get_lock("conv") is None  # cleaned up: the next message goes straight in


def test_turns_of_one_conversation_still_run_one_at_a_time(redis_port: int) -> None:
    lock_store = store(redis_port)
    running: list[int] = []
    overlap: list[bool] = []

    async def turn(number: int) -> None:
        async with lock_store.lock("conv", lock_lifetime=LIFETIME, wait_time_in_seconds=0.05):
            overlap.append(bool(running))
            running.append(number)
            await asyncio.sleep(0.1)
            running.remove(number)

    async def turns() -> None:
        await asyncio.gather(*(turn(n) for n in range(4)))

    asyncio.run(asyncio.wait_for(turns(), 15))
    assert overlap == [False] * 4
