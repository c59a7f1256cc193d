"""The durable delivery engine: store first, then claim, send, record and report."""

import asyncio
import logging
import os
import random
import secrets
import socket
from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from bot.delivery.attempt import attempt
from bot.delivery.hand_over import HandOver
from bot.delivery.outbox import ReportOutbox
from bot.delivery.policy import RetryPolicy
from bot.delivery.reporter import Reporter
from bot.delivery.reporting import DeliveryReport, Notifier, StoredUpdate
from bot.delivery.skips import skip_reasons
from bot.delivery.slots import ProviderSlots
from bot.delivery.tasks import Changes, TrackedTasks, wait_at_most
from bot.delivery.worker import Worker
from bot.domain.models import Submission
from bot.domain.states import ProviderName
from bot.providers.base import Provider
from bot.store.priority import interactive
from bot.store.queue import Claim
from bot.store.repo import Repo
from bot.store.timeutil import Clock, utc_now
from bot.store.updates import Lease

log = logging.getLogger(__name__)

WAIT_POLL_SECONDS = 0.5
STOP_GRACE_SECONDS = 10.0


def default_instance_id() -> str:
    """A name for this engine that no other process shares: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class DeliveryEngine:
    """Stores submissions with their deliveries, then delivers them until each is final."""

    def __init__(
        self,
        repo: Repo,
        providers: Mapping[ProviderName, Provider],
        notifier: Notifier,
        policy: RetryPolicy | None = None,
        instance_id: str | None = None,
        *,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self.repo = repo
        self.providers = dict(providers)
        self.policy = policy or RetryPolicy()
        self.instance_id = instance_id or default_instance_id()
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self._outbox = ReportOutbox(repo.outbox, notifier, self.policy, clock)
        self._tasks = TrackedTasks()
        self._spawn = self._tasks.spawn
        self._reporter = Reporter(self._outbox, self._spawn)
        self._worker = Worker(self._background_pass, name="delivery-worker")
        self._slots = ProviderSlots(
            self.policy.max_in_flight_per_provider, self.policy.lease_seconds
        )
        self._changed = Changes()
        self._next_sweep = 0.0
        self._dispatching = asyncio.Lock()

    async def submit(self, submission: Submission, *, lease_to: str | None = None) -> StoredUpdate:
        """Store the update and its deliveries (committed on return), then start sending.

        With `lease_to`, the deliveries are stored claimed by that engine (another process's),
        which sends them once handed their ids (`take_over`). A dedup key seen before returns
        the stored update marked duplicate; nothing is added.
        """
        lease = None if lease_to is None else Lease(lease_to, self.policy.lease_seconds)
        reasons = skip_reasons(submission, self.providers)
        stored = await self.repo.insert_submission(submission, reasons, lease)
        if not stored.duplicate and lease is None and self._worker.running:
            # Straight to delivery: no wake-up of the worker and no due-times query first.
            ready = {t.provider for t in stored.submission.targets}
            self._spawn(self._dispatch_now(ready))
        return stored

    def take_over(self, hand_over: HandOver) -> None:
        """Send deliveries another process stored already claimed by this engine."""
        if not self._worker.running:
            return
        with interactive():  # sends go first to the store's connections (see Reporter)
            self._start_or_wait(hand_over.claims)
            if hand_over.ids:
                self._spawn(self._start_held(hand_over.ids))

    async def give_back(self, owner: str, delivery_ids: Sequence[int]) -> None:
        """Make deliveries stored for `owner` (who was never told of them) pending again."""
        await self.repo.queue.release(owner, delivery_ids, self._clock())
        self.wake()

    async def adopt_leases_of(self, owner: str) -> None:
        """`owner` is gone: end its leases now, so its deliveries are claimed and reconciled."""
        taken = await self.repo.queue.expire_leases(owner, self._clock())
        if taken:
            log.warning("%d deliveries of a stopped engine will be checked and finished", taken)
        self.wake()

    async def _start_held(self, delivery_ids: Sequence[int]) -> None:
        """Start the held deliveries that have a free slot; the others wait for one here."""
        try:
            claims = await self.repo.queue.held(self.instance_id, delivery_ids)
        except Exception:
            log.exception("starting handed-over deliveries failed; their leases will lapse")
            return
        self._start_or_wait(claims)

    def _start_or_wait(self, claims: Sequence[Claim]) -> list[asyncio.Task[None]]:
        """Start the claims that have a free slot; the others wait here for one."""
        fit, over = self._slots.split(claims)
        now = asyncio.get_running_loop().time()
        for claim in over:
            self._slots.wait(claim, now)
        return [self._start(claim) for claim in fit]

    def _start(self, claim: Claim) -> asyncio.Task[None]:
        """Send a claimed delivery (its slot already taken)."""
        return self._spawn(self._deliver(claim, self.providers[claim.target.provider]))

    def _slot_freed(self, provider: ProviderName) -> None:
        """A send ended: start a claim waiting here, else let the worker look for due rows."""
        waiting, was_full = self._slots.give_up(provider, asyncio.get_running_loop().time())
        if waiting is not None:
            self._start(waiting)
        elif was_full:
            self.wake()  # rows in the store may be waiting for a slot

    async def _dispatch_now(self, ready: Collection[ProviderName]) -> None:
        """Start due deliveries of the given providers at once (the worker does the rest)."""
        try:
            _, saturated = await self._dispatch(ready)
        except Exception:
            log.exception("starting deliveries failed; the worker will retry")
            saturated = True
        if saturated:
            self.wake()

    async def run_due(self) -> int:
        """One full pass: deliver every due row concurrently, then make owed reports."""
        tasks, _ = await self._dispatch()
        await asyncio.gather(*tasks)
        await self._sweep()
        return len(tasks)

    def wake(self) -> None:
        """Ask the background worker for a pass now (no effect when it is not started)."""
        self._worker.wake()

    async def tick(self) -> None:
        """The scheduler's beat: wake the worker, or run a pass here when there is none."""
        if self._worker.running:
            self.wake()
        else:
            await self.run_due()

    async def start(self) -> None:
        """Start the background worker."""
        self._worker.start()

    async def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """Stop the worker; let sends under way finish for a while, then cancel them.

        A cancelled send leaves its row in flight: its lease expires and it is reconciled.
        """
        await self._worker.stop()
        waiting = self._slots.drain()
        if waiting:
            try:
                await self.give_back(self.instance_id, waiting)
            except Exception:
                log.exception(
                    "%d waiting deliveries not given back; their leases will lapse", len(waiting)
                )
        await self._tasks.finish(grace_seconds)

    async def wait_final(
        self,
        update_id: int,
        timeout: float,  # noqa: ASYNC109 - the reports as they stand at the timeout are wanted
    ) -> list[DeliveryReport]:
        """The update's deliveries once all are final, or as they stand at the timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed.next()
            reports = await self.repo.deliveries_of(update_id)
            remaining = deadline - loop.time()
            if all(r.status.is_final for r in reports) or remaining <= 0:
                return reports
            await wait_at_most(changed, min(remaining, WAIT_POLL_SECONDS))

    async def _dispatch(
        self, ready: Collection[ProviderName] | None = None
    ) -> tuple[list[asyncio.Task[None]], bool]:
        """Claim due rows for providers with free slots (all, or the ready ones); start them.

        Also says whether some provider filled every free slot (more rows may be waiting).
        """
        async with self._dispatching:
            return await self._claim_and_start(ready)

    async def _claim_and_start(
        self, ready: Collection[ProviderName] | None
    ) -> tuple[list[asyncio.Task[None]], bool]:
        """_dispatch's work, one caller at a time (so free slots are counted right)."""
        free = {
            name: self._slots.free(name)
            for name in self.providers
            if self._slots.free(name) > 0 and (ready is None or name in ready)
        }
        if not free:
            return [], False
        claims = await self.repo.queue.claim_due_each(
            self.instance_id, self._clock(), self.policy.lease_seconds, free
        )
        claimed = Counter(claim.target.provider for claim in claims)
        return self._start_or_wait(claims), any(claimed[n] == k for n, k in free.items())

    async def _deliver(self, claim: Claim, provider: Provider) -> None:
        """Attempt one claimed delivery, record the result, report it."""
        queue = self.repo.queue
        try:
            result = await attempt(claim, provider, queue, self.policy.clock_skew_seconds)
            now = self._clock()
            disposition = self.policy.decide(claim, result, now, self._rng)
            if not await queue.record(claim, self.instance_id, disposition, now):
                log.warning("lost the lease on delivery %s; not recording", claim.delivery_id)
                return
            log.info(
                "delivery %s to %s: %s after attempt %s",
                claim.delivery_id,
                claim.target,
                disposition.status.value,
                claim.attempts,
            )
            self._signal_change()
        except Exception:
            log.exception("delivery %s: recording failed", claim.delivery_id)
            return
        finally:
            self._slot_freed(claim.target.provider)
        # Told outside the provider slot: a slow Slack never holds deliveries back.
        self._reporter.owe(claim.update_id)

    async def _background_pass(self) -> float:
        """The worker's pass: start due deliveries without waiting; how long to pause."""
        due = {p: t for p, t in (await self.repo.queue.due_times()).items() if p in self.providers}
        now = self._clock()
        _, saturated = await self._dispatch({p for p, t in due.items() if t <= now})
        loop = asyncio.get_running_loop()
        if not self._outbox.busy and loop.time() >= self._next_sweep:
            self._next_sweep = loop.time() + self.policy.idle_poll_seconds
            self._spawn(self._sweep())
        if saturated:
            return 0.0
        # Rows due but waiting for a slot are started when a slot frees up (see _deliver).
        waits = [(t - now).total_seconds() for t in due.values() if t > now]
        return min([*waits, self.policy.idle_poll_seconds])

    async def _sweep(self) -> None:
        """Make every owed announcement and report (left over by failures or restarts)."""
        try:
            await self._outbox.flush()
        except Exception:
            log.exception("report sweep failed; will retry")

    def _signal_change(self) -> None:
        """Wake everyone waiting in wait_final."""
        self._changed.signal()
