"""What the engine tells the outside world (Slack threads, the CLI) as deliveries move."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.models import DeliveryStatus, Outcome, Submission, Target


@dataclass(frozen=True)
class StoredUpdate:
    """An update as the store holds it."""

    id: int
    submission: Submission
    created_at: datetime
    duplicate: bool = False
    # Deliveries leased at once to another process when the update was stored (see Lease).
    handed_over: tuple[int, ...] = ()


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


class Notifier(Protocol):
    """Receives every stored update and every delivery change; may fail, will be asked again."""

    async def update_stored(self, update: StoredUpdate) -> None:
        """A new update was stored (announce it in its thread)."""
        ...

    async def delivery_changed(self, report: DeliveryReport) -> None:
        """A delivery reached a new status or will be retried."""
        ...


class NullNotifier:
    """Tells nobody."""

    async def update_stored(self, update: StoredUpdate) -> None:
        """Ignore a stored update."""

    async def delivery_changed(self, report: DeliveryReport) -> None:
        """Ignore a delivery change."""
