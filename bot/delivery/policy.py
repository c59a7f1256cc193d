"""When to try a delivery again, and when to give up: backoff with full jitter, a budget."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.models import (
    Accepted,
    DeliveryStatus,
    Outcome,
    Refused,
    Retry,
    Unclear,
    may_have_arrived,
)
from bot.domain.records import Claim, Disposition
from bot.metrics import Finding


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt produced, whether it actually sent the update, what a check at the
    provider before it found (None: no check was made), and whether no later attempt could
    do better (`final`: the delivery ends failed)."""

    outcome: Outcome
    sent: bool
    check: Finding | None = None
    final: bool = False

    @property
    def may_have_arrived(self) -> bool:
        """Whether the request was sent and its answer leaves open that the provider has it."""
        return self.sent and may_have_arrived(self.outcome)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry timing and limits; every knob has a production default and is small in tests."""

    base_seconds: float = 2.0
    cap_seconds: float = 300.0
    max_attempts: int = 12
    budget_seconds: float = 1800.0
    clock_skew_seconds: float = 120.0
    # One attempt (a check of every page, then the send) ends within this, whatever happens.
    attempt_seconds: float = 60.0
    # After an unclear answer the provider may still be applying our request: check no sooner.
    unclear_floor_seconds: float = 5.0
    max_in_flight_per_provider: int = 16
    idle_poll_seconds: float = 1.0
    report_retry_seconds: float = 10.0
    # Live workers: a heartbeat every few seconds renews the leases of what they hold; one
    # silent for `dead_after_seconds` has its rows taken over. A claim's lease outlasts it.
    heartbeat_seconds: float = 1.0
    dead_after_seconds: float = 5.0
    lease_seconds: float = 10.0
    # Reports are claimed for a short lease; each Slack call must end within its deadline.
    report_lease_seconds: float = 8.0
    report_deadline_seconds: float = 3.0

    def backoff(self, attempts: int, rng: random.Random) -> float:
        """Full jitter: uniform between 0 and base * 2^(attempts-1), capped."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return rng.uniform(0.0, ceiling)

    def delay(self, attempts: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds before the next attempt: the backoff, never sooner than Retry-After."""
        return max(self.backoff(attempts, rng), retry_after or 0.0)

    def decide(
        self, claim: Claim, result: AttemptResult, now: datetime, rng: random.Random
    ) -> Disposition:
        """The status an attempt leaves the delivery in."""
        outcome = result.outcome
        if isinstance(outcome, Accepted):
            return Disposition(DeliveryStatus.ACCEPTED, outcome)
        if isinstance(outcome, Refused):
            return Disposition(DeliveryStatus.REFUSED, outcome)
        if result.final:
            return Disposition(DeliveryStatus.FAILED, outcome)
        if isinstance(outcome, Retry):
            at_least = outcome.after_seconds
        else:
            at_least = self.unclear_floor_seconds
        next_at = now + timedelta(seconds=self.delay(claim.attempts, at_least, rng))
        deadline = claim.first_attempt_at + timedelta(seconds=self.budget_seconds)
        if claim.attempts >= self.max_attempts or next_at > deadline:
            return Disposition(DeliveryStatus.FAILED, _given_up(claim, result))
        # The update may have arrived: look first. A failed check (nothing sent) is redone.
        reconcile = result.may_have_arrived or _unchecked(claim, result)
        return Disposition(DeliveryStatus.PENDING, outcome, next_at, reconcile)


def _given_up(claim: Claim, result: AttemptResult) -> Outcome:
    """The outcome a delivery ends with when its budget runs out: unclear when the vendor may
    hold what was asked (a 5xx after sending, or a check of an unclear try that never got an
    answer), so no one is told that nothing happened."""
    outcome = result.outcome
    if isinstance(outcome, Retry) and (result.may_have_arrived or _unchecked(claim, result)):
        return Unclear(outcome.reason)
    return outcome


def _unchecked(claim: Claim, result: AttemptResult) -> bool:
    """A check of an earlier unclear try was owed and not made (it failed): still owed."""
    return claim.needs_reconcile and not result.sent
