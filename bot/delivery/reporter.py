"""Reports owed after deliveries change, made for several updates at a time."""

import asyncio
import logging

from bot.delivery.outbox import ReportOutbox
from bot.tasks import TrackedTasks

log = logging.getLogger(__name__)


class Reporter:
    """Collects the updates owed a report and flushes them together, one flush at a time.

    Updates whose deliveries end while a flush runs are reported by the next one: under load
    one claim covers many updates instead of one claim per delivery.
    """

    def __init__(self, outbox: ReportOutbox, tasks: TrackedTasks) -> None:
        self._outbox = outbox
        self._tasks = tasks
        self._owed: set[int] = set()
        self._running: asyncio.Task[None] | None = None

    def owe(self, update_id: int) -> None:
        """The update's thread is owed a report: make it soon (never waits)."""
        self._owed.add(update_id)
        if self._running is None or self._running.done():
            self._running = self._tasks.spawn(self._run(), name="reports")

    async def _run(self) -> None:
        """Flush until nothing more is owed."""
        while self._owed:
            update_ids, self._owed = self._owed, set()
            try:
                await self._outbox.flush(update_ids)
            except Exception:
                log.exception("reporting updates %s failed; the sweep will retry", update_ids)
