"""Deliveries in a process of their own, so a Slack request never waits behind them.

`serve` forks before its event loop starts: the parent answers Slack, the child sends to the
providers, reports in the thread and runs the periodic jobs. The parent stores each update
with its deliveries already claimed by the child's engine, then writes their ids on a pipe;
the child sends them at once, without claiming anything. Should the pipe refuse the ids, the
parent makes the rows pending again for the child's periodic pass. The child stops when the
pipe closes (the parent is leaving) and, on Linux, is killed with the parent; if it dies, the
parent ends its leases and delivers itself.
"""

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import signal
import sys
from collections.abc import Callable

from bot.delivery.engine import DeliveryEngine, default_instance_id
from bot.delivery.hand_over import ATOMIC_WRITE, HandOver, LineReader, encode
from bot.delivery.reporting import StoredUpdate
from bot.domain.models import Submission

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
_READ_SIZE = 65536


class DeliveryProcess:
    """The parent's handle on the delivery child: hand it deliveries, stop it, see it exit."""

    def __init__(self, pid: int, wake_fd: int, owner: str) -> None:
        self.pid = pid
        self.owner = owner
        self._wake_fd: int | None = wake_fd
        self._reaped: asyncio.Future[int] | None = None

    @property
    def running(self) -> bool:
        """Whether the child is believed alive (the pipe open, no exit seen)."""
        return self._wake_fd is not None and (self._reaped is None or not self._reaped.done())

    def hand_over(self, stored: StoredUpdate) -> bool:
        """Give the child the deliveries stored under its lease; False if the pipe refused."""
        line = encode(stored)
        if self._wake_fd is None or len(line) > ATOMIC_WRITE:
            return False
        try:
            return os.write(self._wake_fd, line) == len(line)
        except (BlockingIOError, BrokenPipeError):
            return False

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
    """Stores each update here (committed before the answer) for the delivery process."""

    def __init__(self, engine: DeliveryEngine, deliveries: DeliveryProcess) -> None:
        self._engine = engine
        self._deliveries = deliveries

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Store the update with its deliveries claimed by the child, and hand them over.

        Once the child is gone this process's own engine stores and sends.
        """
        if not self._deliveries.running:
            return await self._engine.submit(submission)
        owner = self._deliveries.owner
        stored = await self._engine.submit(submission, lease_to=owner)
        ids = stored.handed_over
        if ids and not self._deliveries.hand_over(stored):
            try:
                await self._engine.give_back(owner, ids)
            except Exception:  # stored all the same: the person is told so
                log.exception("deliveries %s wait for their lease to lapse", list(ids))
        return stored


def fork_delivery_process(run_child: Callable[[int, str], int]) -> DeliveryProcess | None:
    """Fork; the child runs `run_child(read_fd, owner)` and exits with its code (its engine
    must use `owner` as its instance id). None where there is no fork.

    Call before any event loop or thread exists in this process.
    """
    if not hasattr(os, "fork"):
        return None
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    owner = f"{default_instance_id()}:deliveries"
    # Objects made so far (the imported modules) are left out of garbage collection in both
    # processes: collecting them would write to their pages and unshare them.
    gc.collect()
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(write_fd)
            _die_with(parent)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us by closing the pipe
            code = run_child(read_fd, owner)
        except BaseException:
            log.exception("the delivery process failed")
        finally:
            logging.shutdown()
            os._exit(code)
    os.close(read_fd)
    os.set_blocking(write_fd, False)
    return DeliveryProcess(pid, write_fd, owner)


def _die_with(parent: int) -> None:
    """On Linux, have the kernel kill this process when the parent dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


async def read_hand_overs(read_fd: int, on_hand_over: Callable[[HandOver], None]) -> None:
    """Call `on_hand_over` for each line read from the pipe; return when the parent closes it."""
    loop = asyncio.get_running_loop()
    os.set_blocking(read_fd, False)
    closed = loop.create_future()
    lines = LineReader()

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
        for hand_over in lines.feed(chunk):
            on_hand_over(hand_over)

    loop.add_reader(read_fd, readable)
    try:
        await closed
    finally:
        loop.remove_reader(read_fd)
        os.close(read_fd)
