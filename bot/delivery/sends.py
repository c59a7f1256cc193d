"""The sends under way in one worker: a few per provider at once, each attempt within its
claim's life, its result recorded and counted."""

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Callable

from bot.delivery.attempt import attempt
from bot.delivery.liveness import ClaimLapsed, Liveness
from bot.delivery.policy import AttemptResult, RetryPolicy
from bot.domain.models import DeliveryStatus, Unclear
from bot.domain.records import Claim
from bot.domain.states import ProviderName
from bot.logs import about
from bot.metrics import Metrics
from bot.providers.router import ProviderRouter
from bot.store.repo import Repo
from bot.store.timeutil import Clock
from bot.tasks import TrackedTasks

log = logging.getLogger(__name__)

Done = Callable[[Claim, bool], None]
"""Told when a send ends (recorded or not): the claim, and whether its provider's slots were
all taken."""


class Sends:
    """Starts claimed deliveries in tasks of their own and records what became of them."""

    def __init__(
        self,
        repo: Repo,
        router: ProviderRouter,
        policy: RetryPolicy,
        worker_id: str,
        liveness: Liveness,
        tasks: TrackedTasks,
        done: Done,
        *,
        clock: Clock,
        rng: random.Random,
        metrics: Metrics | None,
    ) -> None:
        self._repo = repo
        self._router = router
        self._policy = policy
        self._worker_id = worker_id
        self._liveness = liveness
        self._tasks = tasks
        self._done = done
        self._clock = clock
        self._rng = rng
        self._metrics = metrics
        self._busy: Counter[ProviderName] = Counter()
        self.holding: set[int] = set()

    def free(self, provider: ProviderName) -> int:
        """How many more sends the provider may have under way now."""
        return self._policy.max_in_flight_per_provider - self._busy[provider]

    def start(self, claim: Claim) -> asyncio.Task[None]:
        """Send a claimed delivery in a task of its own (its slot is taken now)."""
        self._busy[claim.target.provider] += 1
        self.holding.add(claim.delivery_id)
        return self._tasks.spawn(self._deliver(claim), name=f"delivery-{claim.delivery_id}")

    async def _deliver(self, claim: Claim) -> None:
        """Attempt one claimed delivery, record and count the result; then say it is done."""
        provider = claim.target.provider
        try:
            await self._attempt_and_record(claim)
        except Exception:
            log.exception("delivery %s: recording failed", claim.delivery_id, extra=_about(claim))
        finally:
            full = self.free(provider) <= 0
            self._busy[provider] -= 1
            self.holding.discard(claim.delivery_id)
        self._done(claim, full)

    async def _attempt_and_record(self, claim: Claim) -> None:
        """One attempt and its record (none when the claim was lost meanwhile)."""
        result = await self._attempt(claim)
        now = self._clock()
        disposition = self._policy.decide(claim, result, now, self._rng)
        if not await self._repo.queue.record(claim, self._worker_id, disposition, now):
            log.warning(
                "lost the lease on delivery %s; not recording",
                claim.delivery_id,
                extra=_about(claim),
            )
            return
        log.info(
            "delivery %s to %s: %s after attempt %s",
            claim.delivery_id,
            claim.target,
            disposition.status.value,
            claim.attempts,
            extra=_about(claim),
        )
        self._count(claim, result, disposition.status)

    async def _attempt(self, claim: Claim) -> AttemptResult:
        """One attempt, cut short (as unclear) before this worker's claim could lapse."""
        try:
            async with self._liveness.guard():
                return await attempt(
                    claim,
                    self._router,
                    self._repo.queue,
                    self._policy.clock_skew_seconds,
                    self._policy.attempt_seconds,
                )
        except ClaimLapsed as lapsed:
            log.warning(
                "delivery %s: %s; it will be checked first",
                claim.delivery_id,
                lapsed,
                extra=_about(claim),
            )
            return AttemptResult(Unclear(str(lapsed)), sent=True)

    def _count(self, claim: Claim, result: AttemptResult, status: DeliveryStatus) -> None:
        """Count an attempt, what its check found, and the delivery's end if it ended."""
        if self._metrics is None:
            return
        provider, operation = claim.target.provider, claim.operation
        self._metrics.attempt(provider, operation, result.outcome)
        if result.check is not None:
            self._metrics.reconciled(provider, result.check)
        if status.is_final:
            self._metrics.delivery_final(provider, operation, status)


def _about(claim: Claim) -> dict[str, object]:
    """The `extra=` of a log line about this claim's delivery."""
    return about(
        update_id=claim.update_id, delivery_id=claim.delivery_id, provider=claim.target.provider
    )
