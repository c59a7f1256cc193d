"""TrackedTasks tasks, kept so that stopping can wait for (or cancel) them; failures logged."""

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TrackedTasks:
    """Starts tasks and remembers the ones still running; a task that fails is logged."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> int:
        """How many tasks are still running."""
        return len(self._tasks)

    def spawn(self, coroutine: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        """Start a task now; track it until it ends."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        """Forget the task; log its failure."""
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work %s failed", task.get_name(), exc_info=task.exception())

    async def finish(self, grace_seconds: float = 5.0) -> None:
        """Let running tasks, and those they start meanwhile, end for up to `grace_seconds`,
        then cancel the rest."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_seconds
        while self._tasks:
            await asyncio.wait(set(self._tasks), timeout=max(deadline - loop.time(), 0.0))
            if loop.time() >= deadline:
                break
        while self._tasks:
            pending = set(self._tasks)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def cancelled(task: "asyncio.Task[None] | None") -> None:
    """Cancel a task (if any) and wait until it has ended."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
