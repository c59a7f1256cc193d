"""One attempt at one delivery: check what an unclear earlier try did, then carry it out."""

import asyncio
import logging
from collections.abc import Sequence

from bot.delivery.policy import AttemptResult
from bot.delivery.reconcile import (
    candidates,
    deletion_applied,
    earliest_first,
    edit_applied,
    opened_candidates,
)
from bot.domain.models import Accepted, Endless, Outcome, Refused, RemoteUpdate, Retry, Unclear
from bot.domain.operations import Operation, RemoteIncident
from bot.domain.records import Claim
from bot.logs import about
from bot.metrics import Finding
from bot.providers.router import ProviderRouter
from bot.store.queue import DeliveryQueue

log = logging.getLogger(__name__)

Failed = Refused | Retry | Unclear | Endless


async def attempt(
    claim: Claim,
    router: ProviderRouter,
    queue: DeliveryQueue,
    skew_seconds: float,
    deadline_seconds: float,
) -> AttemptResult:
    """Deliver once, within a deadline. After an unclear try, look at the provider for what
    it did before doing it again."""
    deadline = asyncio.get_running_loop().time() + deadline_seconds
    checks = claim.needs_reconcile and claim.operation is not Operation.RECOVER
    if checks:
        try:
            async with asyncio.timeout_at(deadline):
                found = await _check(claim, router, queue, skew_seconds)
        except TimeoutError:
            found = Retry(f"the check took longer than {deadline_seconds:.0f} s")
        if isinstance(found, Endless):
            unknown = _unknowable(claim, found)
            return AttemptResult(unknown, sent=False, check=Finding.CHECK_FAILED, final=True)
        if isinstance(found, Failed):
            return AttemptResult(_listing_failed(found), sent=False, check=Finding.CHECK_FAILED)
        if found is not None:
            log.info(
                "delivery %s found at %s as %s",
                claim.delivery_id,
                claim.target,
                found,
                extra=about(
                    update_id=claim.update_id,
                    delivery_id=claim.delivery_id,
                    provider=claim.target.provider,
                ),
            )
            return AttemptResult(Accepted(found), sent=False, check=Finding.FOUND)
    try:
        async with asyncio.timeout_at(deadline):
            outcome = await _carry_out(claim, router)
    except TimeoutError:
        outcome = Unclear(f"no answer within {deadline_seconds:.0f} s")
    return AttemptResult(outcome, sent=True, check=Finding.NOT_FOUND if checks else None)


async def _carry_out(claim: Claim, router: ProviderRouter) -> Outcome:
    """The request the delivery's operation makes."""
    target = claim.target
    match claim.operation:
        case Operation.PUBLISH:
            return await router.send(target, claim.update)
        case Operation.RECOVER:
            return await router.recover(target)
        case Operation.OPEN if claim.opening is not None:
            return await router.open_incident(target, claim.opening)
        case Operation.EDIT if claim.subject_id is not None:
            return await router.edit_update(target, claim.subject_id, claim.update)
        case Operation.DELETE if claim.subject_id is not None:
            return await router.delete_update(target, claim.subject_id)
    return Refused(None, f"the stored {claim.operation.label} is incomplete")


async def _check(
    claim: Claim, router: ProviderRouter, queue: DeliveryQueue, skew_seconds: float
) -> str | Failed | None:
    """What an earlier unclear try left at the provider: the id it made or touched, if done."""
    if claim.operation is Operation.OPEN:
        if claim.opening is None:
            return None
        since = claim.arrived_since
        incidents = await router.list_incidents(claim.target, since)
        if not isinstance(incidents, Sequence):
            return incidents
        opened = opened_candidates(incidents, claim.opening, since, skew_seconds)
        return await _first_not_taken(claim, opened, queue)
    listed = await router.list_updates(claim.target)
    if not isinstance(listed, Sequence):
        return listed
    subject = claim.subject_id or ""
    match claim.operation:
        case Operation.EDIT:
            return subject if edit_applied(listed, subject, claim.update) else None
        case Operation.DELETE:
            return subject if deletion_applied(listed, subject) else None
    matches = candidates(listed, claim.update, claim.arrived_since, skew_seconds)
    return await _first_not_taken(claim, earliest_first(matches), queue)


async def _first_not_taken(
    claim: Claim, matches: Sequence[RemoteUpdate | RemoteIncident], queue: DeliveryQueue
) -> str | None:
    """The first match that no other delivery of ours already owns."""
    for remote in matches:
        if not await queue.remote_id_taken(claim.target, remote.id, claim.delivery_id):
            return remote.id
    return None


_DONE = {
    Operation.PUBLISH: "received the update",
    Operation.OPEN: "opened the incident",
    Operation.EDIT: "applied the edit",
    Operation.DELETE: "deleted the update",
}


def _unknowable(claim: Claim, listed: Endless) -> Unclear:
    """A check no retry can finish: whether the earlier attempt arrived stays unknown, so
    nothing is sent again and the delivery ends, saying so."""
    label = claim.target.provider.label
    done = _DONE.get(claim.operation, f"applied the {claim.operation.label}")
    return Unclear(f"the bot could not tell whether {label} {done}: {listed.reason}")


def _listing_failed(listed: Refused | Retry | Unclear) -> Retry | Refused:
    """A failed check is retried later (reading changes nothing at the provider); a refused
    one (the incident gone, the key revoked) is final, in the provider's words."""
    prefix = "could not check whether the earlier attempt arrived"
    if isinstance(listed, Retry):
        return Retry(f"{prefix}: {listed.reason}", listed.after_seconds, listed.status)
    if isinstance(listed, Refused):
        return Refused(listed.status, f"{prefix}: {listed.message}", listed.field_errors)
    return Retry(f"{prefix}: {listed.reason}")
