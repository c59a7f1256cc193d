"""Reports owed after deliveries change, made for several updates at a time."""

import asyncio
import contextvars
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from bot.delivery.outbox import ReportOutbox
from bot.store.priority import in_background

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None], contextvars.Context], "asyncio.Task[None]"]


class Reporter:
    """Collects the updates owed a report and flushes them together, one flush at a time.

    Updates whose deliveries end while a flush runs are reported by the next one: under load
    one claim covers many updates instead of one claim per delivery.
    """

    def __init__(self, outbox: ReportOutbox, spawn: Spawn) -> None:
        self._outbox = outbox
        self._spawn = spawn
        self._owed: set[int] = set()
        self._running: asyncio.Task[None] | None = None

    def owe(self, update_id: int) -> None:
        """The update's thread is owed a report: make it soon (never waits)."""
        self._owed.add(update_id)
        if self._running is None or self._running.done():
            # Reports wait behind sends (and people's requests) for the store's connections.
            self._running = self._spawn(self._run(), in_background())

    async def _run(self) -> None:
        """Flush until nothing more is owed."""
        while self._owed:
            update_ids, self._owed = self._owed, set()
            try:
                await self._outbox.flush(update_ids)
            except Exception:
                log.exception("reporting updates %s failed; the sweep will retry", update_ids)
