"""Background tasks an engine starts, kept so that stopping can wait for (or cancel) them."""

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Any


class TrackedTasks:
    """Starts tasks and remembers the ones still running."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(
        self, coroutine: Coroutine[Any, Any, None], context: contextvars.Context | None = None
    ) -> asyncio.Task[None]:
        """Start a task (in `context`, else a copy of the current one); track it until it ends."""
        task = asyncio.create_task(coroutine, context=context)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def finish(self, grace_seconds: float) -> None:
        """Let running tasks end for up to `grace_seconds`, then cancel the rest."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class Changes:
    """A signal that something changed, which any number of waiters can wait for."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def signal(self) -> None:
        """Wake everyone waiting now."""
        self._event.set()
        self._event = asyncio.Event()

    def next(self) -> asyncio.Event:
        """The event the next change sets (take it before looking, so no change is missed)."""
        return self._event


async def wait_at_most(event: asyncio.Event, seconds: float) -> None:
    """Wait until the event is set, or `seconds` have passed."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return
