"""A background loop that runs a pass whenever woken, or at the latest after a pause."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.tasks import cancelled

log = logging.getLogger(__name__)

ERROR_PAUSE_SECONDS = 1.0


class Worker:
    """Runs `run_pass` on wake-ups; `run_pass` returns how long to sleep at most afterwards."""

    def __init__(self, run_pass: Callable[[], Awaitable[float]], name: str) -> None:
        self._run_pass = run_pass
        self._name = name
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def running(self) -> bool:
        """Whether the loop is started and not stopped."""
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        """Ask for a pass as soon as possible."""
        self._wakeup.set()

    def start(self) -> None:
        """Start the loop (once)."""
        if not self.running:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name=self._name)

    async def stop(self) -> None:
        """Stop the loop and wait for it to end."""
        if self._task is None:
            return
        # The flag ends the loop even when the cancellation is lost: on Python 3.11, SQLAlchemy
        # before 2.0.58 (and early 2.1) can swallow one that arrives as the pool hands out a
        # connection (asyncio.wait_for, CPython gh-86296).
        self._stopping = True
        self._wakeup.set()
        await cancelled(self._task)
        self._task = None

    async def _loop(self) -> None:
        """Pass, sleep until woken or the pass's pause is over, repeat."""
        while not self._stopping:
            self._wakeup.clear()
            try:
                pause = await self._run_pass()
            except Exception:
                log.exception("%s pass failed; trying again shortly", self._name)
                pause = ERROR_PAUSE_SECONDS
            if pause > 0:
                # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that arrives
                # just as the wake-up does, and stop() would then wait forever.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(pause):
                        await self._wakeup.wait()
