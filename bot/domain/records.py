"""The records every layer shares: stored updates, deliveries, claims, bindings, the notifier."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.models import DeliveryStatus, Outcome, Submission, Target, Update
from bot.domain.operations import Opening, Operation
from bot.domain.states import State


@dataclass(frozen=True)
class StoredUpdate:
    """An update as the store holds it."""

    id: int
    submission: Submission
    created_at: datetime
    duplicate: bool = False


@dataclass(frozen=True)
class DeliveryReport:
    """One target's delivery, after a change worth telling."""

    update: StoredUpdate
    delivery_id: int
    target: Target
    status: DeliveryStatus
    attempts: int
    outcome: Outcome | None
    next_attempt_in: float | None
    provider_update_id: str | None
    skipped_reason: str | None = None
    operation: Operation = Operation.PUBLISH


class Notifier(Protocol):
    """Receives every stored update and every delivery change; may fail, will be asked again."""

    async def update_stored(self, update: StoredUpdate) -> None:
        """A new update was stored (announce it in its thread)."""
        ...

    async def delivery_changed(self, report: DeliveryReport) -> None:
        """A delivery reached a new status or will be retried."""
        ...


@dataclass(frozen=True)
class Claim:
    """A delivery this process now holds the lease on."""

    delivery_id: int
    update_id: int
    target: Target
    update: Update
    attempts: int
    first_attempt_at: datetime
    needs_reconcile: bool
    operation: Operation = Operation.PUBLISH
    opening: Opening | None = None
    subject_id: str | None = None
    check_since: datetime | None = None

    @property
    def arrived_since(self) -> datetime:
        """From when a check looks for what an earlier try may have made."""
        return self.check_since or self.first_attempt_at


@dataclass(frozen=True)
class Disposition:
    """What to write after an attempt: the new status, and when to try again if at all."""

    status: DeliveryStatus
    outcome: Outcome
    next_attempt_at: datetime | None = None
    needs_reconcile: bool = False


@dataclass(frozen=True)
class Binding:
    """A channel bound to at most one incident per provider, its status card, and the title of
    the incident when the bot opened it."""

    channel_id: str
    targets: tuple[Target, ...]
    card_ts: str | None = None
    current_state: State | None = None
    title: str | None = None

    @property
    def unresolved(self) -> bool:
        """Whether the channel is bound to an incident not yet resolved."""
        return bool(self.targets) and self.current_state is not State.RESOLVED


class ChannelStillOpen(Exception):
    """An opening refused: its channel is bound to an incident not yet resolved."""

    def __init__(self, binding: Binding) -> None:
        super().__init__(f"channel {binding.channel_id} is bound to an unresolved incident")
        self.binding = binding


@dataclass(frozen=True)
class ChannelStatus:
    """What `/incident-update status` shows: the binding, the standing update (the latest one
    not deleted, as last edited), and the newest update's id, standing or not (None: unknown)."""

    binding: Binding | None
    last_update: StoredUpdate | None
    last_update_at: datetime | None
    latest_deliveries: tuple[DeliveryReport, ...]
    newest_id: int | None = None


@dataclass(frozen=True)
class Backlog:
    """One provider's deliveries waiting: how many, and how long the oldest due one has waited."""

    pending: int
    oldest_due_age_seconds: float


@dataclass(frozen=True)
class PublishedUpdate:
    """An update a vendor accepted (its delivery), its words as last edited, and where the
    latest deletion asked of it stands (None: never asked)."""

    delivery: DeliveryReport
    words: Update
    deletion: DeliveryStatus | None = None
    deletion_update_id: int | None = None

    @property
    def deleted_or_deleting(self) -> bool:
        """Whether a deletion was accepted or is still under way."""
        return self.deletion is not None and self.deletion not in _DELETION_OVER

    @property
    def words_changed(self) -> bool:
        """Whether an edit was accepted since it was published."""
        return self.words != self.delivery.update.submission.update


_DELETION_OVER = frozenset({DeliveryStatus.REFUSED, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED})
