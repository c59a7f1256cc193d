"""One attempt at one delivery: reconcile first when needed, then send."""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.delivery.policy import AttemptResult
from bot.delivery.reconcile import candidates
from bot.domain.models import Accepted, Refused, RemoteUpdate, Retry, Unclear
from bot.providers.base import ListResult, Provider
from bot.store.queue import Claim, DeliveryQueue

log = logging.getLogger(__name__)


async def attempt(
    claim: Claim, provider: Provider, queue: DeliveryQueue, skew_seconds: float
) -> AttemptResult:
    """Deliver once. After an unclear try, look for the update at the provider before resending."""
    if claim.needs_reconcile:
        listed = await _list(claim, provider)
        if not isinstance(listed, Sequence):
            return AttemptResult(_listing_failed(listed), sent=False)
        found = await _find_ours(claim, listed, queue, skew_seconds)
        if found is not None:
            log.info("delivery %s found at %s as %s", claim.delivery_id, claim.target, found.id)
            return AttemptResult(Accepted(found.id), sent=False)
    return AttemptResult(await _send(claim, provider), sent=True)


async def _send(claim: Claim, provider: Provider) -> Accepted | Refused | Retry | Unclear:
    """Send, turning an unexpected exception into an unclear outcome (it may have gone out)."""
    try:
        return await provider.send(claim.update, claim.target.incident_id)
    except Exception as error:
        log.exception("sending delivery %s to %s raised", claim.delivery_id, claim.target)
        return Unclear(f"unexpected error while sending ({type(error).__name__})")


async def _list(claim: Claim, provider: Provider) -> ListResult:
    """List the incident's updates, turning an unexpected exception into a retry."""
    try:
        return await provider.list_updates(claim.target.incident_id)
    except Exception as error:
        log.exception("listing updates of %s raised", claim.target)
        return Retry(f"unexpected error while listing updates ({type(error).__name__})")


def _listing_failed(listed: Refused | Retry | Unclear) -> Retry:
    """A failed check is retried later (listing changes nothing at the provider)."""
    prefix = "could not check whether the earlier attempt arrived"
    if isinstance(listed, Retry):
        return Retry(f"{prefix}: {listed.reason}", listed.after_seconds, listed.status)
    if isinstance(listed, Refused):
        return Retry(f"{prefix}: {listed.message}", None, listed.status)
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
