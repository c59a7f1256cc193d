"""The durable delivery engine: store first; then claim, send, record and report, as a worker."""

import asyncio
import logging
import os
import random
import secrets
import socket
from collections import Counter
from datetime import datetime

from bot.delivery.liveness import Liveness
from bot.delivery.outbox import ReportOutbox
from bot.delivery.policy import RetryPolicy
from bot.delivery.reporter import Reporter
from bot.delivery.sends import Sends
from bot.delivery.skips import skip_reasons
from bot.delivery.worker import Worker
from bot.domain.models import DeliveryStatus, Submission
from bot.domain.records import Claim, DeliveryReport, Notifier, StoredUpdate
from bot.metrics import Metrics
from bot.providers.router import ProviderRouter
from bot.store.repo import Repo
from bot.store.timeutil import Clock, utc_now
from bot.tasks import TrackedTasks

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0
# A row due now but not claimable (another replica holds its lock) is looked at again soon.
MIN_PAUSE_SECONDS = 0.05


def default_worker_id() -> str:
    """A name for this worker that no other process shares: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class DeliveryEngine:
    """Stores submissions with their deliveries; as a worker, delivers them until each is final.

    Only a worker claims deliveries, from the database; it is woken when work is stored
    (in this process, or through the store's notifications) and looks on its own as a
    safety net. `notifier` None: outcomes are recorded but nobody is told (`post`).
    """

    def __init__(
        self,
        repo: Repo,
        router: ProviderRouter,
        notifier: Notifier | None,
        policy: RetryPolicy | None = None,
        worker_id: str | None = None,
        *,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.repo = repo
        self._metrics = metrics
        self.router = router
        self.policy = policy or RetryPolicy()
        self.worker_id = worker_id or default_worker_id()
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self._tasks = TrackedTasks()
        self._outbox = (
            None if notifier is None else ReportOutbox(repo.outbox, notifier, self.policy, clock)
        )
        self._reporter = None if self._outbox is None else Reporter(self._outbox, self._tasks)
        self._worker = Worker(self._background_pass, name="delivery-worker")
        self._liveness = Liveness(
            repo.workers,
            self.worker_id,
            self.policy,
            lambda: set(self._sends.holding),
            self._rescued,
        )
        self._sends = Sends(
            repo,
            router,
            self.policy,
            self.worker_id,
            self._liveness,
            self._tasks,
            self._sent,
            clock=clock,
            rng=self._rng,
            metrics=metrics,
        )
        self._next_sweep = 0.0
        self._dispatching = asyncio.Lock()

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Store the update and its deliveries, pending (committed on return); wake a worker.

        A dedup key seen before returns the stored update marked duplicate; nothing is added.
        """
        reasons = skip_reasons(submission, self.router.configured)
        stored = await self.repo.insert_submission(submission, reasons)
        if not stored.duplicate:
            self.wake()
            if self._metrics is not None:
                operation = submission.operation
                self._metrics.update_stored(submission.source, operation)
                for target in stored.submission.skipped:
                    self._metrics.delivery_final(target.provider, operation, DeliveryStatus.SKIPPED)
        return stored

    def wake(self) -> None:
        """Ask this process's worker for a pass now (no effect when it is not running)."""
        self._worker.wake()

    async def tick(self) -> None:
        """The scheduler's beat: wake the worker (nothing once it has stopped: a pass run
        here after `stop` would claim what `stop` just gave back)."""
        self.wake()

    async def start(self) -> None:
        """Register as a live worker and start delivering."""
        await self._liveness.start()
        self._worker.start()

    async def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """Stop delivering: let sends under way finish for a while, give back what is still
        held (checked with the provider before it is sent again), and leave."""
        await self._worker.stop()
        await self._tasks.finish(grace_seconds)
        await self._liveness.stop()
        try:
            released = await self.repo.queue.release(self.worker_id, self._clock())
            await self.repo.workers.leave(self.worker_id)
        except Exception as error:
            log.warning("could not give deliveries back (%s); they lapse", type(error).__name__)
            return
        if released:
            log.info("gave back %d deliveries under way", released)

    async def run_due(self) -> int:
        """One full pass here: deliver every due row, then make owed reports."""
        await self._liveness.beat()
        tasks, _ = await self._dispatch()
        await asyncio.gather(*tasks)
        await self._sweep()
        return len(tasks)

    async def deliver_only(self, update_id: int, timeout: float) -> list[DeliveryReport]:  # noqa: ASYNC109
        """Deliver one update (touching no other) until it is final or `timeout` has passed.

        What is not final by then is given back, pending, for `serve` to finish.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if timeout > 0:
            await self._liveness.start()
            try:
                await self._deliver_until(update_id, deadline)
            finally:
                await self.stop(grace_seconds=0.0)
        return await self.repo.deliveries_of(update_id)

    async def _deliver_until(self, update_id: int, deadline: float) -> None:
        """deliver_only's loop: claim the update's due rows, send, sleep until the next is due."""
        loop = asyncio.get_running_loop()
        while loop.time() < deadline:
            tasks, _ = await self._dispatch(update_id)
            if tasks:
                await asyncio.wait(tasks, timeout=max(deadline - loop.time(), 0.0))
            due = await self.repo.queue.due_times(update_id)
            if not due:
                return
            pause = self._pause_until(min(due.values()), self._clock())
            await asyncio.sleep(min(pause, max(deadline - loop.time(), 0.0)))

    async def _dispatch(
        self, update_id: int | None = None
    ) -> tuple[list[asyncio.Task[None]], bool]:
        """Claim due rows for every provider with free slots and start them; also whether
        some provider filled every free slot (more rows may be waiting)."""
        async with self._dispatching:
            free = {name: self._sends.free(name) for name in self.router.configured}
            free = {name: n for name, n in free.items() if n > 0}
            if not free:
                return [], False
            claims = await self.repo.queue.claim_due(
                self.worker_id, self._clock(), self.policy.lease_seconds, free, update_id
            )
            claimed = Counter(claim.target.provider for claim in claims)
            started = [self._sends.start(claim) for claim in claims]
            return started, any(claimed[n] == k for n, k in free.items())

    def _sent(self, claim: Claim, slots_were_full: bool) -> None:
        """A send ended: report it; a freed slot may take a row that waits in the store."""
        if slots_were_full:
            self.wake()
        if self._reporter is not None:
            self._reporter.owe(claim.update_id)  # outside the slot: a slow Slack holds no send

    async def _background_pass(self) -> float:
        """The worker's pass: start due deliveries without waiting; how long to pause."""
        _, saturated = await self._dispatch()
        loop = asyncio.get_running_loop()
        if self._outbox is not None and not self._outbox.busy and loop.time() >= self._next_sweep:
            self._next_sweep = loop.time() + self.policy.idle_poll_seconds
            self._tasks.spawn(self._sweep(), name="report-sweep")
        if saturated:
            return 0.0
        due = await self.repo.queue.due_times()
        now = self._clock()
        ready = self.router.configured
        waits = [
            self._pause_until(t, now) for p, t in due.items() if p in ready and self._sends.free(p)
        ]
        return min([*waits, self.policy.idle_poll_seconds])

    @staticmethod
    def _pause_until(due: datetime, now: datetime) -> float:
        """Seconds until `due` (a little at least: a due row may be locked by a replica)."""
        return max((due - now).total_seconds(), MIN_PAUSE_SECONDS)

    async def _sweep(self) -> None:
        """Make every owed announcement and report (left over by failures or restarts)."""
        if self._outbox is None:
            return
        try:
            await self._outbox.flush()
        except Exception:
            log.exception("report sweep failed; will retry")

    def _rescued(self, taken: int) -> None:
        """Deliveries of a stopped worker became due: look for them now."""
        if self._metrics is not None:
            self._metrics.takeover(taken)
        self.wake()
