"""Checks, as each update reaches a provider fake, that the bot had already stored it."""

import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bench.scenarios.delivered import message_of_body

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class StoredFirstProbe:
    """An aiohttp middleware for the provider fakes; counts arrivals found or not in the store."""

    def __init__(self) -> None:
        self.database = Path()
        self._lock = threading.Lock()
        self.enabled = False
        self.stored_first = 0
        self.not_stored = 0

    def install(self, app: web.Application) -> None:
        """Add the probe to a fake's app (before it starts)."""
        app.middlewares.append(self._middleware)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """On a create request, look the update's text up in the bot's database first."""
        if self.enabled and request.method == "POST" and request.path.endswith("/updates"):
            found = self._is_stored(message_of_body(await request.read()))
            with self._lock:
                if found:
                    self.stored_first += 1
                else:
                    self.not_stored += 1
        return await handler(request)

    def _is_stored(self, text: str) -> bool:
        """Whether a committed update row carries this text."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            row = db.execute("SELECT 1 FROM updates WHERE content = ? LIMIT 1", (text,)).fetchone()
        return row is not None
