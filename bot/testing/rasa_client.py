"""A small client for the two Rasa interfaces the test runner uses: the REST channel and the API."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.errors import RasaUnavailableError


class RasaClient:
    """Talks to one Rasa server. Use as ``async with RasaClient(url, token) as rasa``."""

    def __init__(self, url: str, token: str, *, timeout: float = 90.0) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RasaClient:
        self._http = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.close()

    @property
    def http(self) -> aiohttp.ClientSession:
        """The open HTTP session."""
        if self._http is None:
            raise RuntimeError("use RasaClient as an async context manager")
        return self._http

    async def check(self) -> None:
        """Make sure Rasa answers and its API accepts the token.

        Raises:
            RasaUnavailableError: with a one-line reason.
        """
        status = await self._request("GET", "/status")
        if not isinstance(status, dict) or not status.get("model_file"):
            raise RasaUnavailableError(f"Rasa at {self.url} has no model loaded")

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one user message over the REST channel and return the bot's replies."""
        body = {"sender": sender, "message": text, "metadata": metadata}
        replies = await self._request("POST", "/webhooks/rest/webhook", body, token=False)
        return list(replies or [])

    async def tracker(self, sender: str) -> dict[str, Any]:
        """Return the full tracker (every event) of a conversation."""
        tracker = await self._request("GET", f"/conversations/{quote(sender, safe='')}/tracker")
        return dict(tracker or {})

    async def set_slots(self, sender: str, slots: dict[str, Any]) -> None:
        """Append slot events to a conversation before its first message."""
        events = [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
        await self._request(
            "POST", f"/conversations/{quote(sender, safe='')}/tracker/events", events
        )

    async def _request(
        self, method: str, path: str, body: Any = None, *, token: bool = True
    ) -> Any:
        params = {"token": self._token} if token else None
        try:
            async with self.http.request(
                method, f"{self.url}{path}", json=body, params=params
            ) as resp:
                if resp.status == 401 or resp.status == 403:
                    raise RasaUnavailableError(
                        f"Rasa at {self.url} refused the API token (check ALLY_RASA_TOKEN)"
                    )
                if resp.status >= 400:
                    raise RasaUnavailableError(
                        f"Rasa at {self.url} answered {method} {path} with HTTP {resp.status}"
                    )
                return await resp.json(content_type=None)
        except aiohttp.ClientConnectionError as exc:
            raise RasaUnavailableError(
                f"cannot reach Rasa at {self.url} ({type(exc).__name__}); is the stack running"
                " (`ally up`)? Use --rasa-url to point elsewhere"
            ) from None
        except asyncio.TimeoutError:
            raise RasaUnavailableError(f"Rasa at {self.url} did not answer in time") from None
        except ValueError:
            raise RasaUnavailableError(
                f"Rasa at {self.url} sent a reply that is not JSON"
            ) from None
