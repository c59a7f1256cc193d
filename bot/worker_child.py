"""`serve`'s worker as a child program: started, woken with SIGUSR1, restarted, stopped."""

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.domain.models import Submission
from bot.domain.records import StoredUpdate
from bot.slack.ports import Publisher

if TYPE_CHECKING:
    from bot.delivery.engine import DeliveryEngine

log = logging.getLogger(__name__)

RESTART_PAUSE_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 15.0
ORPHAN_STOP_SECONDS = 3.0
CHILD_COMMAND = ("-m", "bot", "worker", "--with-parent")


class WorkerChild:
    """`incident-bot worker --with-parent`, kept running beside this process."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The child running (and restarted when it exits unasked), stopped on exit."""
        await self.start()
        try:
            yield
        finally:
            await self.stop()

    async def start(self) -> None:
        """Start the child and restart it whenever it exits unasked."""
        # Ignored until the child sets its own handler (the disposition survives exec).
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        self._process = await self._spawn()
        self._supervisor = asyncio.create_task(self._supervise(), name="worker-child")

    def wake(self) -> None:
        """Ask the child for a delivery pass now (SIGUSR1; no data)."""
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGUSR1)

    async def stop(self) -> None:
        """SIGTERM the child; SIGKILL it if it has not left within 15 s."""
        self._stopping = True
        process = self._process
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor

    async def _spawn(self) -> asyncio.subprocess.Process:
        """The child, reading our end of a pipe on stdin (EOF: this process is gone)."""
        return await asyncio.create_subprocess_exec(
            sys.executable, *CHILD_COMMAND, stdin=subprocess.PIPE
        )

    async def _supervise(self) -> None:
        """Restart the child, after a pause, each time it exits while we are not stopping."""
        while self._process is not None:
            code = await self._process.wait()
            if self._stopping:
                return
            log.warning("worker child exited (%s); restarting it in 1 s", code)
            await asyncio.sleep(RESTART_PAUSE_SECONDS)
            if self._stopping:
                return
            self._process = await self._spawn()


class WakingPublisher:
    """A publisher that wakes a worker elsewhere after each newly stored update."""

    def __init__(self, inner: Publisher, wake: Callable[[], None]) -> None:
        self._inner = inner
        self._wake = wake

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Store through the inner publisher; wake the worker unless it was a duplicate."""
        stored = await self._inner.submit(submission)
        if not stored.duplicate:
            self._wake()
        return stored


async def work_for_parent(settings: Settings) -> None:
    """`worker --with-parent`: deliver until SIGTERM/SIGINT (graceful) or stdin's EOF (the
    parent is gone: stop at once, giving claims back for the next start)."""
    from bot.app import working_core

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    orphaned = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    stdin = sys.stdin.fileno()
    loop.add_reader(stdin, _on_stdin, stdin, orphaned)
    async with working_core(settings) as core:
        loop.add_signal_handler(signal.SIGUSR1, core.engine.wake)
        await _first(stop.wait(), orphaned.wait())
        if orphaned.is_set():
            log.warning("serve is gone; the worker stops now")
            await _stop_at_once(core.engine)


async def _stop_at_once(engine: "DeliveryEngine") -> None:
    """Give claims back and leave; should that hang (a cancelled send that will not end),
    leave anyway: what it held lapses and is checked with the vendor before it is resent."""
    try:
        async with asyncio.timeout(ORPHAN_STOP_SECONDS):
            await engine.stop(grace_seconds=0.0)
    except TimeoutError:
        log.warning(
            "could not give deliveries back within %.0f s; leaving them to lapse",
            ORPHAN_STOP_SECONDS,
        )
        logging.shutdown()
        os._exit(1)


def _on_stdin(fd: int, orphaned: asyncio.Event) -> None:
    """Read what the parent wrote (nothing, normally); EOF means it is gone."""
    if not os.read(fd, 4096):
        asyncio.get_running_loop().remove_reader(fd)
        orphaned.set()


async def _first(*waits: Coroutine[Any, Any, object]) -> None:
    """Wait until the first of `waits` is done; cancel the rest."""
    tasks = [asyncio.create_task(wait) for wait in waits]
    _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
