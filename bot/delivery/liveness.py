"""A worker's heartbeat: it renews the leases of what the worker holds, rescues the rows of
silent workers, and cuts an attempt short before its claim could be taken by another."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection

from bot.delivery.policy import RetryPolicy
from bot.store.workers import WorkerQueries
from bot.tasks import cancelled

log = logging.getLogger(__name__)

# An attempt ends this long before another worker could think this one dead.
SAFETY_MARGIN_SECONDS = 1.0


class ClaimLapsed(Exception):
    """An attempt was stopped: this worker could no longer be sure its claim was its own."""


class Liveness:
    """Beats for one worker; `guard()` bounds an attempt by the time its claims are safe."""

    def __init__(
        self,
        queries: WorkerQueries,
        worker_id: str,
        policy: RetryPolicy,
        holding: Callable[[], Collection[int]],
        on_rescue: Callable[[int], None],
    ) -> None:
        self._queries = queries
        self._worker_id = worker_id
        self._policy = policy
        self._holding = holding
        self._on_rescue = on_rescue
        self._safe_until = float("-inf")
        self._guards: set[asyncio.Timeout] = set()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        """Beat once (registering the worker), then every few seconds until stopped."""
        await self.beat()
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._beat_forever(), name="heartbeat")

    async def stop(self) -> None:
        """Stop beating (the worker gives its rows back and leaves separately)."""
        self._stopping = True  # ends the loop should the cancellation be lost (see Worker)
        await cancelled(self._task)
        self._task = None

    async def beat(self) -> None:
        """Record the heartbeat and renew leases; on success, push every guard's deadline out."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        await self._queries.beat(self._worker_id, self._policy.lease_seconds, self._holding())
        self._safe_until = started + self._policy.dead_after_seconds - SAFETY_MARGIN_SECONDS
        for guard in self._guards:
            guard.reschedule(self._safe_until)

    @contextlib.asynccontextmanager
    async def guard(self) -> AsyncIterator[None]:
        """Run the block only while this worker's claims are its own; ClaimLapsed after."""
        timeout = asyncio.timeout_at(self._safe_until)
        self._guards.add(timeout)
        try:
            async with timeout:
                yield
        except TimeoutError:
            if timeout.expired():
                raise ClaimLapsed(
                    "no heartbeat recorded in time; the attempt was stopped"
                ) from None
            raise
        finally:
            self._guards.discard(timeout)

    async def _beat_forever(self) -> None:
        """Beat, then rescue the rows of silent workers, every heartbeat interval."""
        while not self._stopping:
            await asyncio.sleep(self._policy.heartbeat_seconds)
            try:
                await self.beat()
            except Exception as error:
                log.warning("heartbeat not recorded (%s); retrying", type(error).__name__)
                continue
            try:
                taken = await self._queries.rescue(self._policy.dead_after_seconds)
            except Exception as error:
                log.warning("looking for stopped workers failed (%s)", type(error).__name__)
                continue
            if taken:
                log.warning("took over %d deliveries of a worker that stopped", taken)
                self._on_rescue(taken)
