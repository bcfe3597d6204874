"""bot.nlu.action_requests: kept-alive action calls with the same body, against a real server."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlu import action_requests
from bot.nlu.action_requests import ActionCall

DOMAIN = Domain.from_dict(
    {
        "intents": ["mood"],
        "slots": {"mood": {"type": "any", "mappings": [{"type": "custom"}]}},
        "responses": {"utter_hi": [{"text": "hi ü / \\u00fc"}]},
        "actions": ["action_log_mood"],
    }
)


@pytest.fixture
def patched() -> Iterator[None]:
    action_requests.install_action_requests()
    yield
    action_requests.uninstall_action_requests()


def tracker() -> DialogueStateTracker:
    result = DialogueStateTracker("c1", DOMAIN.slots)
    result.update(ActionExecuted("action_listen"))
    result.update(UserUttered('ça va 😊 "quoted"', {"name": "mood", "confidence": 1.0}))
    result.update(SlotSet("mood", {"nested": [1, 2.5, None, True]}))
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ActionServer:
    """A real HTTP server that answers every action and records what it received."""

    def __init__(self, port: int) -> None:
        self.port, self.bodies, self.peers = port, [], []
        self._runner: web.AppRunner | None = None

    async def _webhook(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.json())
        self.peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [{"event": "slot", "name": "mood", "value": 1}]})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self._webhook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


TRACKER = tracker()


async def call(endpoint: EndpointConfig) -> list[Any]:
    action = RemoteAction("action_log_mood", endpoint)
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return await action.run(CollectingOutputChannel(), nlg, TRACKER, DOMAIN)


def test_the_encoded_body_is_rasas_json_object() -> None:
    body = RemoteAction("action_log_mood", None)._action_call_format(tracker(), DOMAIN)
    encoded = ActionCall(body, json.dumps(body["domain"])).encode()
    assert json.loads(encoded) == json.loads(json.dumps(body))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(tracker_state=json_values, odd=st.sampled_from([None, float("nan"), float("inf"), 2**70]))
def test_any_tracker_state_encodes_to_the_same_json_object(tracker_state: Any, odd: Any) -> None:
    body = {"next_action": "a", "tracker": tracker_state, "domain": {"x": ["/"]}, "odd": odd}
    encoded = ActionCall(body, json.dumps(body["domain"])).encode()
    assert repr(json.loads(encoded)) == repr(json.loads(json.dumps(body)))


def test_calls_share_a_connection_send_rasas_body_and_survive_a_restart(patched: None) -> None:
    async def scenario() -> None:
        server = ActionServer(free_port())
        await server.start()
        endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
        first, second = await call(endpoint), await call(endpoint)
        assert first == second == [SlotSet("mood", 1)]
        assert server.peers[0] == server.peers[1]  # one kept-alive connection
        action_requests.uninstall_action_requests()
        expected = RemoteAction("action_log_mood", endpoint)._action_call_format(TRACKER, DOMAIN)
        action_requests.install_action_requests()
        assert server.bodies[0] == json.loads(json.dumps(expected))
        await server.stop()  # the action server restarts
        with pytest.raises(Exception, match="Failed to execute custom action"):
            await call(endpoint)
        restarted = ActionServer(server.port)
        await restarted.start()
        assert await call(endpoint) == [SlotSet("mood", 1)]
        await restarted.stop()
        await action_requests.close_sessions(endpoint)

    asyncio.run(scenario())


def test_other_endpoints_keep_rasas_own_sessions(patched: None) -> None:
    async def scenario() -> None:
        endpoint = EndpointConfig("http://127.0.0.1:9/nlg")
        async with endpoint.session() as session:
            assert isinstance(session, aiohttp.ClientSession)
        assert session.closed  # Rasa's own session, closed after the request

    asyncio.run(scenario())


def test_a_hung_action_server_fails_the_call_after_the_endpoints_timeout(patched: None) -> None:
    async def scenario() -> float:
        hang = asyncio.Event()

        async def never_answers(request: web.Request) -> web.Response:
            await hang.wait()
            return web.json_response({"events": []})

        app = web.Application()
        app.router.add_post("/webhook", never_answers)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", timeout="0.5")
        started = asyncio.get_running_loop().time()
        try:
            with pytest.raises(Exception, match="Failed to execute custom action"):
                await asyncio.wait_for(call(endpoint), 10)  # Rasa's own timeout: 300 s
            return asyncio.get_running_loop().time() - started
        finally:
            hang.set()
            await action_requests.close_sessions(endpoint)
            await runner.cleanup()

    assert asyncio.run(scenario()) < 5


@pytest.mark.parametrize(
    ("configured", "seconds"), [(None, 300.0), ("", 300.0), ("7.5", 7.5), (12, 12.0)]
)
def test_action_timeout_reads_the_endpoint(configured: Any, seconds: float) -> None:
    kwargs = {} if configured is None else {"timeout": configured}
    assert action_requests.action_timeout(EndpointConfig("http://x/webhook", **kwargs)) == seconds


@pytest.mark.parametrize("configured", ["soon", "0", "-3"])
def test_a_wrong_action_timeout_is_a_clear_error(configured: str) -> None:
    with pytest.raises(ValueError, match="action_endpoint timeout"):
        action_requests.action_timeout(EndpointConfig("http://x/webhook", timeout=configured))
