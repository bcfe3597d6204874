"""Routes each conversation to one of several Rasa replicas, failing over when one is down.

Scale-out mode (docs/scale-out.md) runs several Rasa servers sharing one tracker store
(PostgreSQL) and one lock store (Redis), so any replica can serve any conversation. A
conversation still goes to the same replica while it is up: the replicas are ranked per
conversation by rendezvous hashing of (replica URL, conversation id), which is stable across
restarts of the web app and moves only a dead replica's conversations when one goes away,
spread over the others.

A replica that refuses the connection has not seen the request, so the pool tries the next
replica in the conversation's ranking and skips the refusing one for ``retry_after`` seconds.
A connection that breaks (reset, closed) is usually a kept-alive connection to a replica that
has died since; when a fresh connection to it is then refused, the replica is down and the
request goes to the next one too (a replica killed in the middle of a turn has not saved it:
Rasa saves the tracker at the end of the turn). A replica that is still up after a failure
(timeout, HTTP error, a broken connection) may have processed the message, so a message is not
sent twice: the error goes to the caller, as with one Rasa. Reading a tracker is safe to repeat
and fails over on any error.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import aiohttp
from yarl import URL

from bot.errors import RasaUnavailableError
from bot.web.rasa_client import RasaClient
from bot.web.resends import replies_after

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_AFTER_SECONDS = 5.0
PROBE_TIMEOUT_SECONDS = 1.0
PROBE_WINDOW_SECONDS = 2.0
PROBE_INTERVAL_SECONDS = 0.1


def rank(conversation_id: str, urls: Sequence[str]) -> list[int]:
    """Indexes of ``urls`` in this conversation's order of preference (rendezvous hashing)."""

    def score(index: int) -> int:
        key = f"{urls[index]}\n{conversation_id}".encode()
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")

    return sorted(range(len(urls)), key=score, reverse=True)


def was_refused(exc: RasaUnavailableError) -> bool:
    """True when the replica never got the request: the connection itself failed."""
    return isinstance(exc.__cause__, aiohttp.ClientConnectorError)


def broke_off(exc: RasaUnavailableError) -> bool:
    """True when an established connection broke (reset or closed by the replica)."""
    return isinstance(exc.__cause__, aiohttp.ClientOSError | aiohttp.ServerDisconnectedError)


async def refuses_connections(base_url: str, window: float = PROBE_WINDOW_SECONDS) -> bool:
    """True when fresh TCP connections to the replica fail within ``window``: it is gone.

    A Rasa process that is being killed can still complete handshakes for a moment while it
    exits (measured: a single probe right after the broken connection was not refused), so
    probe for a while, not once.
    """
    url = URL(base_url)
    deadline = asyncio.get_running_loop().time() + window
    while True:
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(url.host, url.port), timeout=PROBE_TIMEOUT_SECONDS
            )
        except (OSError, asyncio.TimeoutError):
            return True
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(PROBE_INTERVAL_SECONDS)


class RasaPool:
    """The methods of :class:`RasaClient`, spread over several Rasa servers."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_urls: Sequence[str],
        timeout: float,
        token: str = "",
        *,
        retry_after: float = RETRY_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not base_urls:
            raise ValueError("a Rasa pool needs at least one URL")
        self._urls = list(base_urls)
        self._clients = [RasaClient(session, url, timeout, token=token) for url in self._urls]
        self._down_until = [0.0] * len(self._urls)
        self._retry_after = retry_after
        self._clock = clock

    @property
    def urls(self) -> list[str]:
        """The replicas' base URLs."""
        return list(self._urls)

    def order(self, conversation_id: str) -> list[int]:
        """Replicas to try for a conversation: its ranking, replicas recently down last."""
        now = self._clock()
        ranked = rank(conversation_id, self._urls)
        return sorted(ranked, key=lambda index: self._down_until[index] > now)

    async def _call(
        self,
        conversation_id: str,
        call: Callable[[RasaClient], Awaitable[T]],
        *,
        repeatable: bool,
    ) -> T:
        last: RasaUnavailableError | None = None
        for index in self.order(conversation_id):
            try:
                result = await call(self._clients[index])
            except RasaUnavailableError as exc:
                refused = was_refused(exc) or (
                    broke_off(exc) and await refuses_connections(self._urls[index])
                )
                if refused:
                    self._down_until[index] = self._clock() + self._retry_after
                if not (refused or repeatable):
                    if broke_off(exc):
                        logger.warning(
                            "Rasa replica %s broke a connection and is still up: not resending",
                            self._urls[index],
                        )
                    raise
                logger.warning(
                    "Rasa replica %s failed (%s); trying the next", self._urls[index], exc
                )
                last = exc
                continue
            self._down_until[index] = 0.0
            return result
        assert last is not None  # the loop ran at least once
        raise RasaUnavailableError(f"no Rasa replica answered: {last}") from last

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Post a message to the conversation's replica; see :meth:`RasaClient.send`.

        When a replica died in the middle of the turn, it may have stored the turn before it
        died (Rasa saves the tracker, then answers): the next replica is asked for the tracker
        first, and a message it already holds is answered from there, not processed twice.
        """
        message_id = metadata.get("message_id")
        tried = False

        async def attempt(client: RasaClient) -> list[dict[str, Any]]:
            nonlocal tried
            if tried and isinstance(message_id, str):
                earlier = replies_after(await client.tracker(sender_id), message_id)
                if earlier is not None:
                    logger.warning("the failed replica had stored the turn; not sent again")
                    return earlier
            tried = True
            return await client.send(sender_id, text, metadata)

        return await self._call(sender_id, attempt, repeatable=False)

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        """Return the conversation's tracker; see :meth:`RasaClient.tracker`."""
        return await self._call(
            conversation_id, lambda client: client.tracker(conversation_id), repeatable=True
        )

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker; see :meth:`RasaClient.append_events`."""
        await self._call(
            conversation_id,
            lambda client: client.append_events(conversation_id, events),
            repeatable=False,
        )

    async def statuses(self, timeout: float) -> list[dict[str, Any]]:
        """Each replica's :meth:`RasaClient.statuses`, checked at the same time."""
        found = await asyncio.gather(*(client.statuses(timeout) for client in self._clients))
        return [status for statuses in found for status in statuses]

    async def execute_action(self, conversation_id: str, action: str) -> list[dict[str, Any]]:
        """Run one action in the conversation; see :meth:`RasaClient.execute_action`."""
        return await self._call(
            conversation_id,
            lambda client: client.execute_action(conversation_id, action),
            repeatable=False,
        )
