"""Clients that talk to a running stack the way real users do."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio


class Person:
    """Talks to the web app the way the widget does, with the Python socket.io client."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.uttered: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self.uttered.put)

    async def start(self, url: str, session_id: str | None = None) -> str:
        await self.sio.connect(url, transports=["websocket"])
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text: str, expect: int) -> list[dict[str, Any]]:
        """Send a message and return exactly ``expect`` replies."""
        await self.sio.emit("user_uttered", {"message": text})
        return [await asyncio.wait_for(self.uttered.get(), 60) for _ in range(expect)]

    async def say_until_quiet(self, text: str, quiet: float = 1.5) -> list[dict[str, Any]]:
        """Send a message and collect replies until none arrives for ``quiet`` seconds."""
        await self.sio.emit("user_uttered", {"message": text})
        replies = [await asyncio.wait_for(self.uttered.get(), 60)]
        while True:
            try:
                replies.append(await asyncio.wait_for(self.uttered.get(), quiet))
            except asyncio.TimeoutError:
                return replies

    async def close(self) -> None:
        await self.sio.disconnect()
