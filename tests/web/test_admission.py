"""The first-come, first-served gate in front of Rasa (bot/web/admission.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestServer

from bot.web.admission import GATE, TURNS_PER_RASA, AdmissionGate
from tests.web.conftest import FakeRasa, Widget


async def test_admits_at_most_the_limit_and_the_rest_in_arrival_order() -> None:
    gate = AdmissionGate(limit=2)
    release = asyncio.Event()
    admitted: list[int] = []
    most_inside = 0

    async def turn(number: int) -> None:
        nonlocal most_inside
        async with gate.admit():
            admitted.append(number)
            most_inside = max(most_inside, gate.inside)
            await release.wait()

    tasks = []
    for number in range(6):
        tasks.append(asyncio.create_task(turn(number)))
        await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert admitted == [0, 1]
    assert gate.waiting == 4
    release.set()
    await asyncio.gather(*tasks)
    assert admitted == [0, 1, 2, 3, 4, 5]
    assert most_inside == 2
    assert gate.inside == 0 and gate.waiting == 0


async def test_an_urgent_turn_goes_before_every_waiting_one() -> None:
    gate = AdmissionGate(limit=1)
    release = asyncio.Event()
    order: list[str] = []

    async def turn(name: str, *, urgent: bool = False) -> None:
        async with gate.admit(urgent=urgent):
            order.append(name)
            await release.wait()

    first = asyncio.create_task(turn("first"))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(turn(f"checkin {i}")) for i in range(3)]
    await asyncio.sleep(0)
    risk = asyncio.create_task(turn("risk", urgent=True))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, risk, *waiting)
    assert order == ["first", "risk", "checkin 0", "checkin 1", "checkin 2"]


async def test_a_cancelled_waiter_gives_its_place_up() -> None:
    gate = AdmissionGate(limit=1)
    release = asyncio.Event()
    order: list[str] = []

    async def turn(name: str) -> None:
        async with gate.admit():
            order.append(name)
            await release.wait()

    holder = asyncio.create_task(turn("holder"))
    await asyncio.sleep(0)
    gone = asyncio.create_task(turn("gone"))
    after = asyncio.create_task(turn("after"))
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    release.set()
    await asyncio.gather(holder, after)
    assert order == ["holder", "after"]
    assert gate.inside == 0


async def test_a_failing_turn_frees_its_place() -> None:
    gate = AdmissionGate(limit=1)
    with pytest.raises(RuntimeError):
        async with gate.admit():
            raise RuntimeError("rasa down")
    assert gate.inside == 0
    async with gate.admit():
        assert gate.inside == 1


def test_needs_a_positive_limit() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AdmissionGate(limit=0)


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_the_web_app_sends_a_waiting_risk_turn_to_rasa_first(
    server: TestServer, fake_rasa: tuple[FakeRasa, int]
) -> None:
    rasa, _ = fake_rasa
    gate = server.app[GATE]
    assert gate.limit == TURNS_PER_RASA
    releases = [asyncio.Event() for _ in range(gate.limit)]

    async def hold(release: asyncio.Event) -> None:
        async with gate.admit():
            await release.wait()

    holders = [asyncio.create_task(hold(release)) for release in releases]
    await _until(lambda: gate.inside == gate.limit)
    everyday, at_risk = Widget(), Widget()
    for person in (everyday, at_risk):
        await person.sio.connect(f"http://127.0.0.1:{server.port}", transports=["websocket"])
        await person.session()
    try:
        await everyday.send("hello there")
        await _until(lambda: gate.waiting == 1)
        await at_risk.send("i want to kill myself tonight")
        await _until(lambda: gate.waiting == 2)

        releases[0].set()  # one place frees up: the risk turn gets it, then passes it on
        await at_risk.next()
        await everyday.next()
        assert [body["message"] for body in rasa.received] == [
            "i want to kill myself tonight",
            "hello there",
        ]
    finally:
        for release in releases:
            release.set()
        await asyncio.gather(*holders)
        for person in (everyday, at_risk):
            await person.sio.disconnect()
