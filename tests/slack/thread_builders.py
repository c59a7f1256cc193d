"""Stored updates and delivery reports for the thread tests, built with literals."""

import uuid
from datetime import UTC, datetime

from bot.domain.models import DeliveryStatus, Outcome, Source, Submission, Target, Update
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName, State

PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, str(uuid.UUID("6a1f0c1e-6a4b-4a59-9d0e-8f5b8f1c2d3e")))
CHANNEL = "C0INCIDENT1"
AUTHOR = "U0AUTHOR01"
CREATED = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def stored(
    content: str = "Database failover in progress",
    *,
    state: State = State.INVESTIGATING,
    update_id: int = 1,
    targets: tuple[Target, ...] = (PHARE, CHECKLY),
    skipped: tuple[Target, ...] = (),
    channel: str | None = CHANNEL,
    author: str | None = AUTHOR,
    source: Source = Source.MODAL,
) -> StoredUpdate:
    """A stored update as the engine hands it to the notifier."""
    submission = Submission(Update(state, content), targets, source, author, channel, None, skipped)
    return StoredUpdate(update_id, submission, CREATED)


def report(
    update: StoredUpdate,
    target: Target,
    status: DeliveryStatus,
    outcome: Outcome | None = None,
    *,
    attempts: int = 1,
    next_attempt_in: float | None = None,
    provider_update_id: str | None = None,
    skipped_reason: str | None = None,
) -> DeliveryReport:
    """A delivery report for one target of an update."""
    return DeliveryReport(
        update,
        delivery_id=update.id * 10 + (1 if target.provider is ProviderName.PHARE else 2),
        target=target,
        status=status,
        attempts=attempts,
        outcome=outcome,
        next_attempt_in=next_attempt_in,
        provider_update_id=provider_update_id,
        skipped_reason=skipped_reason,
    )
