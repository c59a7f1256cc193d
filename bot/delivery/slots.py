"""How many sends each provider has under way, and claims waiting here for a free slot."""

import logging
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.states import ProviderName
from bot.store.queue import Claim

log = logging.getLogger(__name__)

# A waiting claim is started only while this much of its lease is left; past that it is left
# to lapse, and whoever claims the row next asks the provider before sending.
LEASE_MARGIN_SECONDS = 10.0


@dataclass(frozen=True)
class _Waiting:
    """A claim and the (monotonic) time after which it may no longer be started."""

    claim: Claim
    start_before: float


class ProviderSlots:
    """Up to `per_provider` sends at once for each provider; claims beyond that wait, oldest
    first, while their lease leaves time to start them."""

    def __init__(self, per_provider: int, lease_seconds: float) -> None:
        self.per_provider = per_provider
        self._usable_seconds = max(lease_seconds - LEASE_MARGIN_SECONDS, lease_seconds / 2)
        self._busy: Counter[ProviderName] = Counter()
        self._waiting: defaultdict[ProviderName, deque[_Waiting]] = defaultdict(deque)

    def free(self, provider: ProviderName) -> int:
        """How many more sends the provider may have under way now."""
        return self.per_provider - self._busy[provider]

    def wait(self, claim: Claim, now: float) -> None:
        """Keep a claim until a slot of its provider frees up."""
        self._waiting[claim.target.provider].append(_Waiting(claim, now + self._usable_seconds))

    def give_up(self, provider: ProviderName, now: float) -> tuple[Claim | None, bool]:
        """A send ended: the waiting claim its slot passes to (if any), and whether every slot
        was taken (rows in the store may be waiting for one)."""
        full = self.free(provider) <= 0
        waiting = self._waiting[provider]
        while waiting:
            item = waiting.popleft()
            if item.start_before > now:
                return item.claim, full
            log.warning(
                "delivery %s waited too long for a slot; it will be checked and retried",
                item.claim.delivery_id,
            )
        self._busy[provider] -= 1
        return None, full

    def drain(self) -> list[int]:
        """Every waiting claim's delivery id, forgetting them all (to give them back)."""
        ids = [w.claim.delivery_id for queue in self._waiting.values() for w in queue]
        self._waiting.clear()
        return ids

    def split(self, claims: Iterable[Claim]) -> tuple[list[Claim], list[Claim]]:
        """The claims that fit in free slots (counted as taken), and those that do not."""
        fit: list[Claim] = []
        over: list[Claim] = []
        for claim in claims:
            name = claim.target.provider
            if self.free(name) > 0:
                self._busy[name] += 1
                fit.append(claim)
            else:
                over.append(claim)
        return fit, over
