"""People first: the store's pooled connections go to interactive work before background work.

With SQLite the store has one pooled connection. SQLAlchemy's asyncio pool hands it out in
arrival order (and a coroutine arriving just as it is returned can take it ahead of those
waiting), so a slash command's reads and insert used to queue behind the deliveries and
reports of the updates before it. `PriorityQueuePool` hands a returned connection straight
to the longest-waiting interactive caller, else to the longest-waiting background one.
Code runs as interactive inside `interactive()` (and so do the tasks it starts).
"""

import asyncio
import contextlib
import contextvars
from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import queue as sqla_queue
from sqlalchemy.util.concurrency import await_

T = TypeVar("T")

_INTERACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "incident_bot_interactive", default=False
)


@contextlib.contextmanager
def interactive() -> Iterator[None]:
    """Within the block, store work waits only behind other interactive work."""
    token = _INTERACTIVE.set(True)
    try:
        yield
    finally:
        _INTERACTIVE.reset(token)


def in_background() -> contextvars.Context:
    """A copy of the current context marked as background (for tasks started from a request)."""
    context = contextvars.copy_context()
    context.run(_INTERACTIVE.set, False)
    return context


def is_interactive() -> bool:
    """Whether the running code is interactive."""
    return _INTERACTIVE.get()


class PriorityHandoffQueue(sqla_queue.QueueCommon[T], Generic[T]):
    """The pool's idle connections; a returned one is handed to a waiter, interactive first."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        self.maxsize = maxsize
        self.use_lifo = use_lifo
        self._items: deque[T] = deque()
        self._interactive: deque[asyncio.Future[T]] = deque()
        self._background: deque[asyncio.Future[T]] = deque()

    def empty(self) -> bool:
        """Whether no idle connection is held."""
        return not self._items

    def full(self) -> bool:
        """Whether the queue holds as many idle connections as it may."""
        return 0 < self.maxsize <= len(self._items)

    def qsize(self) -> int:
        """How many idle connections are held."""
        return len(self._items)

    def put_nowait(self, item: T) -> None:
        """Hand the item to the first waiter (interactive ones first), or keep it."""
        for waiters in (self._interactive, self._background):
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(item)
                    return
        if self.full():
            raise sqla_queue.Full()
        self._items.append(item)

    def put(self, item: T, block: bool = True, timeout: float | None = None) -> None:
        """As put_nowait: returning a connection never waits."""
        self.put_nowait(item)

    def get_nowait(self) -> T:
        """An idle item, or Empty."""
        if not self._items:
            raise sqla_queue.Empty()
        return self._items.popleft()

    def get(self, block: bool = True, timeout: float | None = None) -> T:
        """An idle item, waiting (in the greenlet) for one to be handed over when `block`."""
        if self._items or not block:
            return self.get_nowait()
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        (self._interactive if is_interactive() else self._background).append(waiter)
        return await_(self._wait(waiter, timeout))

    async def _wait(self, waiter: asyncio.Future[T], seconds: float | None) -> T:
        """Wait for the hand-over; an item handed over too late is passed on, not lost."""
        try:
            async with asyncio.timeout(seconds):
                return await waiter
        except BaseException as error:
            if waiter.done() and not waiter.cancelled():
                self.put_nowait(waiter.result())
            else:
                waiter.cancel()
            if isinstance(error, TimeoutError):
                raise sqla_queue.Empty() from error
            raise


class PriorityQueuePool(AsyncAdaptedQueuePool):
    """An asyncio queue pool whose waiting callers are served interactive first."""

    _queue_class = PriorityHandoffQueue[ConnectionPoolEntry]
