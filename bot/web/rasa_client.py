"""The web app's client for Rasa's REST channel on loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.errors import RasaUnavailableError


class RasaClient:
    """Sends one user message to Rasa and returns the bot's replies."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, timeout: float) -> None:
        self._session = session
        self._webhook = f"{base_url}/webhooks/rest/webhook"
        self._timeout = aiohttp.ClientTimeout(total=timeout)

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
