"""One attempt at one delivery: reconcile first when needed, then send."""

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.delivery.policy import AttemptResult
from bot.delivery.reconcile import candidates
from bot.domain.models import Accepted, Refused, RemoteUpdate, Retry, Unclear
from bot.domain.records import Claim
from bot.metrics import Finding
from bot.providers.router import ProviderRouter
from bot.store.queue import DeliveryQueue

log = logging.getLogger(__name__)


async def attempt(
    claim: Claim,
    router: ProviderRouter,
    queue: DeliveryQueue,
    skew_seconds: float,
    deadline_seconds: float,
) -> AttemptResult:
    """Deliver once, within a deadline. After an unclear try, look for the update at the
    provider before resending."""
    deadline = asyncio.get_running_loop().time() + deadline_seconds
    if claim.needs_reconcile:
        try:
            async with asyncio.timeout_at(deadline):
                listed = await router.list_updates(claim.target)
        except TimeoutError:
            listed = Retry(f"the check took longer than {deadline_seconds:.0f} s")
        if not isinstance(listed, Sequence):
            return AttemptResult(_listing_failed(listed), sent=False, check=Finding.CHECK_FAILED)
        found = await _find_ours(claim, listed, queue, skew_seconds)
        if found is not None:
            log.info("delivery %s found at %s as %s", claim.delivery_id, claim.target, found.id)
            return AttemptResult(Accepted(found.id), sent=False, check=Finding.FOUND)
    check = Finding.NOT_FOUND if claim.needs_reconcile else None
    try:
        async with asyncio.timeout_at(deadline):
            outcome = await router.send(claim.target, claim.update)
    except TimeoutError:
        outcome = Unclear(f"no answer within {deadline_seconds:.0f} s")
    return AttemptResult(outcome, sent=True, check=check)


def _listing_failed(listed: Refused | Retry | Unclear) -> Retry | Refused:
    """A failed check is retried later (listing changes nothing at the provider); a refused
    one (the incident gone, the key revoked) is final, in the provider's words."""
    prefix = "could not check whether the earlier attempt arrived"
    if isinstance(listed, Retry):
        return Retry(f"{prefix}: {listed.reason}", listed.after_seconds, listed.status)
    if isinstance(listed, Refused):
        return Refused(listed.status, f"{prefix}: {listed.message}", listed.field_errors)
    return Retry(f"{prefix}: {listed.reason}")


async def _find_ours(
    claim: Claim, listed: Sequence[RemoteUpdate], queue: DeliveryQueue, skew_seconds: float
) -> RemoteUpdate | None:
    """The earliest matching listed update that no other delivery of ours already owns."""
    matches = candidates(listed, claim.update, claim.first_attempt_at, skew_seconds)
    far_future = datetime.max.replace(tzinfo=UTC)
    for remote in sorted(matches, key=lambda r: r.created_at or far_future):
        if not await queue.remote_id_taken(claim.target, remote.id, claim.delivery_id):
            return remote
    return None
