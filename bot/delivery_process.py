"""Deliveries in a process of their own, so a Slack request never waits behind them.

`serve` forks before its event loop starts: the parent answers Slack, the child sends to the
providers, reports in the thread and runs the periodic jobs. After storing an update the
parent writes the providers to deliver to on a pipe; the child starts those deliveries at
once (its own periodic pass still finds anything a lost wake-up left behind). The child stops
when the pipe closes (the parent is leaving) and, on Linux, is killed with the parent.
"""

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable, Collection

from bot.delivery.engine import DeliveryEngine
from bot.delivery.reporting import StoredUpdate
from bot.domain.models import Submission
from bot.domain.states import ProviderName

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
_READ_SIZE = 4096
_SEPARATOR = ","


def _encode(providers: Collection[ProviderName]) -> bytes:
    """One wake-up line naming the providers that have new deliveries."""
    return (_SEPARATOR.join(sorted(p.value for p in providers)) + "\n").encode()


def decode(chunk: bytes) -> set[ProviderName]:
    """Every provider named in a chunk of wake-up lines (unknown names are ignored)."""
    names = chunk.decode(errors="replace").replace("\n", _SEPARATOR).split(_SEPARATOR)
    known = {p.value: p for p in ProviderName}
    return {known[name] for name in names if name in known}


class DeliveryProcess:
    """The parent's handle on the delivery child: wake it, stop it, see it exit."""

    def __init__(self, pid: int, wake_fd: int) -> None:
        self.pid = pid
        self._wake_fd: int | None = wake_fd
        self._reaped: asyncio.Future[int] | None = None

    def wake(self, providers: Collection[ProviderName]) -> None:
        """Tell the child new deliveries are stored (never blocks; a lost wake-up is caught up
        by the child's periodic pass)."""
        if self._wake_fd is None or not providers:
            return
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self._wake_fd, _encode(providers))

    async def exited(self) -> int:
        """Wait for the child to end; its exit code (negative: the signal that ended it)."""
        if self._reaped is None:
            self._reaped = asyncio.get_running_loop().run_in_executor(None, self._reap)
        return await asyncio.shield(self._reaped)

    def _reap(self) -> int:
        """Block until the child ends (run in a thread); its exit code."""
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    async def stop(self, timeout: float) -> None:  # noqa: ASYNC109 - a deadline, then SIGKILL
        """Close the pipe (the child finishes what is under way and exits), then reap it."""
        if self._wake_fd is not None:
            os.close(self._wake_fd)
            self._wake_fd = None
        try:
            await asyncio.wait_for(self.exited(), timeout)
        except TimeoutError:
            log.warning("the delivery process did not stop in %.0f s; killing it", timeout)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            await self.exited()


class HandoffPublisher:
    """Stores each update here (committed before the answer) and wakes the delivery process."""

    def __init__(self, engine: DeliveryEngine, deliveries: DeliveryProcess) -> None:
        self._engine = engine
        self._deliveries = deliveries

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Store the update and its deliveries; a new one is handed to the delivery process."""
        stored = await self._engine.submit(submission)
        if not stored.duplicate:
            self._deliveries.wake({t.provider for t in stored.submission.targets})
        return stored


def fork_delivery_process(run_child: Callable[[int], int]) -> DeliveryProcess | None:
    """Fork; the child runs `run_child(read_fd)` and exits with its code. None without fork.

    Call before any event loop or thread exists in this process.
    """
    if not hasattr(os, "fork"):
        return None
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(write_fd)
            _die_with(parent)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us by closing the pipe
            code = run_child(read_fd)
        except BaseException:
            log.exception("the delivery process failed")
        finally:
            logging.shutdown()
            os._exit(code)
    os.close(read_fd)
    os.set_blocking(write_fd, False)
    return DeliveryProcess(pid, write_fd)


def _die_with(parent: int) -> None:
    """On Linux, have the kernel kill this process when the parent dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


async def read_wakeups(read_fd: int, on_wake: Callable[[set[ProviderName]], None]) -> None:
    """Call `on_wake` for each wake-up read from the pipe; return when the parent closes it."""
    loop = asyncio.get_running_loop()
    os.set_blocking(read_fd, False)
    closed = loop.create_future()

    def readable() -> None:
        """Read what is there; EOF means the parent is leaving."""
        try:
            chunk = os.read(read_fd, _READ_SIZE)
        except BlockingIOError:
            return
        if not chunk:
            loop.remove_reader(read_fd)
            if not closed.done():
                closed.set_result(None)
            return
        providers = decode(chunk)
        if providers:
            on_wake(providers)

    loop.add_reader(read_fd, readable)
    try:
        await closed
    finally:
        loop.remove_reader(read_fd)
        os.close(read_fd)
