"""The web app's client for Rasa on loopback: the REST channel and the tracker HTTP API."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.errors import RasaUnavailableError


class RasaClient:
    """Sends user messages to Rasa, and reads and appends to conversation trackers.

    The HTTP API needs Rasa's auth token, which travels as ``?token=``: URLs built here are
    never logged.
    """

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, timeout: float, token: str = ""
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._webhook = f"{base_url}/webhooks/rest/webhook"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._token = token

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Post a message and return Rasa's reply list (possibly empty).

        Raises:
            RasaUnavailableError: when Rasa cannot be reached, times out or answers badly.
        """
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        try:
            async with self._session.post(self._webhook, json=body, timeout=self._timeout) as resp:
                if resp.status != 200:
                    raise RasaUnavailableError(f"Rasa answered HTTP {resp.status}")
                replies = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise RasaUnavailableError(f"Rasa could not be reached: {type(exc).__name__}") from exc
        if not isinstance(replies, list):
            raise RasaUnavailableError("Rasa returned something other than a list of replies")
        return [reply for reply in replies if isinstance(reply, dict)]

    def _tracker_url(self, conversation_id: str, suffix: str = "") -> str:
        return f"{self._base_url}/conversations/{quote(conversation_id, safe='')}/tracker{suffix}"

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        """Return the conversation's tracker with every event (``include_events=ALL``).

        Raises:
            RasaUnavailableError: when Rasa cannot be reached or answers badly.
        """
        params = {"token": self._token, "include_events": "ALL"}
        try:
            async with self._session.get(
                self._tracker_url(conversation_id), params=params, timeout=self._timeout
            ) as resp:
                if resp.status != 200:
                    raise RasaUnavailableError(f"Rasa's tracker API answered HTTP {resp.status}")
                tracker = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise RasaUnavailableError(f"Rasa could not be reached: {type(exc).__name__}") from exc
        if not isinstance(tracker, dict):
            raise RasaUnavailableError("Rasa returned a tracker that is not an object")
        return tracker

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events (for example ``{"event": "pause"}``) to the conversation's tracker.

        Raises:
            RasaUnavailableError: when Rasa cannot be reached or refuses the events.
        """
        params = {"token": self._token, "include_events": "NONE"}
        try:
            async with self._session.post(
                self._tracker_url(conversation_id, "/events"),
                params=params,
                json=events,
                timeout=self._timeout,
            ) as resp:
                if resp.status != 200:
                    raise RasaUnavailableError(f"Rasa's events API answered HTTP {resp.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise RasaUnavailableError(f"Rasa could not be reached: {type(exc).__name__}") from exc

    async def statuses(self, timeout: float) -> list[dict[str, Any]]:
        """Return ``[{"url": ..., "up": bool}]``: whether Rasa answers ``/status`` with a model.

        A list, as for a pool of replicas. For readiness checks: a short ``timeout``, and never
        raises.
        """
        try:
            async with self._session.get(
                f"{self._base_url}/status",
                params={"token": self._token},
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as resp:
                body = await resp.json(content_type=None) if resp.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            body = None
        up = isinstance(body, dict) and bool(body.get("model_id") or body.get("model_file"))
        return [{"url": self._base_url, "up": up}]

    async def execute_action(self, conversation_id: str, action: str) -> list[dict[str, Any]]:
        """Run one action in the conversation and return the bot's messages (possibly empty).

        Uses ``POST /conversations/{id}/execute``; the messages come back in the REST channel's
        format.

        Raises:
            RasaUnavailableError: when Rasa cannot be reached, refuses or answers badly.
        """
        params = {"token": self._token, "include_events": "NONE"}
        try:
            async with self._session.post(
                f"{self._base_url}/conversations/{quote(conversation_id, safe='')}/execute",
                params=params,
                json={"name": action},
                timeout=self._timeout,
            ) as resp:
                if resp.status != 200:
                    raise RasaUnavailableError(f"Rasa's execute API answered HTTP {resp.status}")
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise RasaUnavailableError(f"Rasa could not be reached: {type(exc).__name__}") from exc
        messages = body.get("messages") if isinstance(body, dict) else None
        if not isinstance(messages, list):
            raise RasaUnavailableError("Rasa's execute API returned no list of messages")
        return [message for message in messages if isinstance(message, dict)]
