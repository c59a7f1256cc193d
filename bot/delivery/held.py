"""Deliveries handed over already claimed, waiting in this process for a free slot."""

import logging
from collections import defaultdict, deque
from dataclasses import dataclass

from bot.domain.states import ProviderName
from bot.store.queue import Claim

log = logging.getLogger(__name__)

# A waiting delivery is started only while this much of its lease is left; past that it is
# left to lapse, and whoever claims it next asks the provider before sending.
LEASE_MARGIN_SECONDS = 10.0


@dataclass(frozen=True)
class _Waiting:
    """A claim and the (monotonic) time after which it may no longer be started."""

    claim: Claim
    start_before: float


class HeldClaims:
    """Per provider, the claims waiting for a slot, oldest first."""

    def __init__(self, lease_seconds: float) -> None:
        self._usable_seconds = max(lease_seconds - LEASE_MARGIN_SECONDS, lease_seconds / 2)
        self._waiting: defaultdict[ProviderName, deque[_Waiting]] = defaultdict(deque)

    def put(self, claim: Claim, now: float) -> None:
        """Keep a claim until a slot of its provider frees up."""
        waiting = _Waiting(claim, now + self._usable_seconds)
        self._waiting[claim.target.provider].append(waiting)

    def next_for(self, provider: ProviderName, now: float) -> Claim | None:
        """The oldest claim of the provider still worth starting (older ones are dropped)."""
        waiting = self._waiting[provider]
        while waiting:
            item = waiting.popleft()
            if item.start_before > now:
                return item.claim
            log.warning(
                "delivery %s waited too long for a slot; it will be checked and retried",
                item.claim.delivery_id,
            )
        return None

    def drain(self) -> list[int]:
        """Every waiting delivery's id, forgetting them all (to give them back)."""
        ids = [w.claim.delivery_id for queue in self._waiting.values() for w in queue]
        self._waiting.clear()
        return ids
