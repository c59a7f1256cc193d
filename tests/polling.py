"""Waiting in tests for something that happens in another task, thread or process."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.02


async def eventually(
    probe: Callable[[], Awaitable[T | None]],
    within: float = 20.0,
    interval: float = POLL_SECONDS,
    what: str = "condition",
) -> T:
    """Await `probe` until it returns something truthy (returned); fail after `within` s."""
    deadline = time.monotonic() + within
    while True:
        found = await probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {within} s (last: {found!r})")
        await asyncio.sleep(interval)


async def wait_for(
    probe: Callable[[], T | None], within: float = 20.0, what: str = "condition"
) -> T:
    """The same for a probe that needs no awaiting."""

    async def awaited() -> T | None:
        return probe()

    return await eventually(awaited, within, what=what)
