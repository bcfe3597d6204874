"""Custom action calls over kept-alive connections, with the domain encoded once.

For every custom action Rasa 3.6 opens a new ``aiohttp`` session (so a new TCP connection),
posts the tracker and the whole domain as JSON, and closes the session again. Under load that
was about 10 % of Rasa's event loop (docs/benchmarks.md): the connection set-up, and encoding the
same 12 KB domain for every call. Here:

- the action endpoint's requests share one session per event loop, whose connections are kept
  alive for ``KEEP_ALIVE_SECONDS``, less than the action server's own 5 s (Sanic's default), so
  Rasa never sends on a connection the server is closing. A connection the server dropped (a
  restart) is not reused; the request opens a new one, as before. Everything else (URL, headers,
  token, errors) is Rasa's ``EndpointConfig.request``, and the timeout is the endpoint's
  ``timeout`` (``ALLY_ACTIONS_TIMEOUT``) instead of Rasa's fixed 300 s;
- the request body is the same JSON object, with the domain's part encoded once per loaded
  domain and the rest encoded per call with ujson (json for what ujson refuses).

Other endpoints (an NLG server, a model server) keep Rasa's behaviour. Used by ``ally up``
through ``bot/nlu/rasa_server.py``; ``tests/actions/test_action_requests.py`` checks both
against a real HTTP server.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import ujson
from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEP_ALIVE_SECONDS = 2.0
_SESSIONS = "_ally_sessions"
_KEEP_ALIVE = "_ally_keep_alive"
_PATCHED = (
    (RemoteAction, "__init__"),
    (RemoteAction, "_action_call_format"),
    (EndpointConfig, "session"),
    (EndpointConfig, "request"),
    (rasa_run, "close_resources"),
)
# What each patched name held before install_action_requests (for uninstall_action_requests).
_BEFORE: dict[tuple[Any, str], Any] = {}


class ActionCall(dict[str, Any]):
    """Rasa's action request body, which can encode itself with the domain encoded once."""

    def __init__(self, body: dict[str, Any], domain_json: str) -> None:
        """Keep ``body`` as it is, and the domain's JSON text."""
        super().__init__(body)
        self.domain_json = domain_json

    def encode(self) -> bytes:
        """The body as JSON: the same object as ``json.dumps(self)``."""
        parts = (
            f"{json.dumps(key)}: {self.domain_json if key == 'domain' else _dumps(value)}"
            for key, value in self.items()
        )
        return ("{" + ", ".join(parts) + "}").encode("utf-8")


def _dumps(value: Any) -> str:
    """JSON text of ``value``: ujson (a Rasa dependency, about twice as fast), else json."""
    try:
        return ujson.dumps(value, escape_forward_slashes=False)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value)  # NaN, infinity, odd types: json's text, or json's error


class _KeptSession:
    """``async with`` gives the shared session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: object) -> None:
        return None


class _DomainJson:
    """The JSON text of the latest domain seen (a new model brings a new domain)."""

    def __init__(self) -> None:
        self._domain: Domain | None = None
        self._text = ""

    def of(self, domain: Domain, as_dict: dict[str, Any]) -> str:
        if domain is not self._domain:
            self._domain, self._text = domain, json.dumps(as_dict)
        return self._text


def action_timeout(endpoint: EndpointConfig) -> float:
    """Seconds one custom action may take: the endpoint's ``timeout``, else Rasa's 300 s.

    A bad value is a clear error at the first call, not a hang.
    """
    raw = endpoint.kwargs.get("timeout")
    if raw in (None, ""):
        return float(DEFAULT_REQUEST_TIMEOUT)
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"action_endpoint timeout must be seconds, got {raw!r}") from None
    if seconds <= 0:
        raise ValueError(f"action_endpoint timeout must be positive, got {seconds}")
    return seconds


def _shared_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession]
    sessions = endpoint.__dict__.setdefault(_SESSIONS, {})
    loop = asyncio.get_running_loop()
    session = sessions.get(loop)
    if session is None or session.closed:
        basic = endpoint.basic_auth  # Rasa's own session settings, as in EndpointConfig.session
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None,
            timeout=aiohttp.ClientTimeout(total=action_timeout(endpoint)),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
            cookie_jar=aiohttp.DummyCookieJar(),  # no state carried between people's calls
        )
        sessions[loop] = session
    return session


async def close_sessions(endpoint: EndpointConfig) -> None:
    """Close ``endpoint``'s shared sessions (at shutdown)."""
    for session in endpoint.__dict__.pop(_SESSIONS, {}).values():
        await session.close()


def install_action_requests() -> None:
    """Keep connections to the action server alive and encode the domain once.

    Wraps whatever the patched names hold at the time (other patches of
    ``_action_call_format`` keep working), so install it after them.
    """
    if _BEFORE:
        return
    _BEFORE.update({(owner, name): getattr(owner, name) for owner, name in _PATCHED})
    before_init = RemoteAction.__init__
    before_format = RemoteAction._action_call_format
    before_session = EndpointConfig.session
    before_request = EndpointConfig.request
    before_close = rasa_run.close_resources
    domain_json = _DomainJson()
    kept_endpoints: list[EndpointConfig] = []

    def __init__(self: RemoteAction, name: str, action_endpoint: Any) -> None:
        before_init(self, name, action_endpoint)
        if isinstance(action_endpoint, EndpointConfig) and not action_endpoint.__dict__.get(
            _KEEP_ALIVE
        ):
            action_endpoint.__dict__[_KEEP_ALIVE] = True
            kept_endpoints.append(action_endpoint)

    def session(self: EndpointConfig) -> Any:
        if self.__dict__.get(_KEEP_ALIVE):
            return _KeptSession(_shared_session(self))
        return before_session(self)

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Domain) -> dict[str, Any]:
        body = before_format(self, tracker, domain)
        return ActionCall(body, domain_json.of(domain, body["domain"]))

    async def request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        if not (isinstance(kwargs.get("json"), ActionCall) and "data" not in kwargs):
            return await before_request(self, *args, **kwargs)
        kwargs["data"] = kwargs.pop("json").encode()
        # RemoteAction.run passes Rasa's fixed 300 s; the endpoint's own timeout wins, and
        # running out of it is a client error, which RemoteAction reports like a refused
        # connection ("Failed to execute custom action").
        seconds = action_timeout(self)
        kwargs["timeout"] = aiohttp.ClientTimeout(total=seconds)
        try:
            return await before_request(self, *args, **kwargs)
        except asyncio.TimeoutError as exc:
            raise aiohttp.ServerTimeoutError(f"no answer in {seconds:g} s") from exc

    async def close_resources(app: Any, loop: Any) -> None:
        for endpoint in kept_endpoints:
            await close_sessions(endpoint)
        await before_close(app, loop)

    RemoteAction.__init__ = __init__  # type: ignore[method-assign]
    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
    EndpointConfig.session = session  # type: ignore[method-assign]
    EndpointConfig.request = request  # type: ignore[method-assign]
    rasa_run.close_resources = close_resources


def uninstall_action_requests() -> None:
    """Restore what the patched names held before (for tests)."""
    for (owner, name), value in _BEFORE.items():
        setattr(owner, name, value)
    _BEFORE.clear()
