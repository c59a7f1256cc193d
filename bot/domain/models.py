"""Updates, their targets, and what a provider made of them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.operations import Opening, Operation, Subject, opening_awaited
from bot.domain.states import ProviderName, State


@dataclass(frozen=True, order=True)
class Target:
    """One incident at one provider; the id is already parsed and canonical."""

    provider: ProviderName
    incident_id: str

    def __str__(self) -> str:
        return f"{self.provider.value}:{self.incident_id}"

    @property
    def on_status_page(self) -> bool:
        """Whether this is a Checkly status-page incident (`checkly:<page>/<incident>`, or one
        being opened: Checkly opens incidents on status pages only)."""
        named = "/" in self.incident_id or self.awaited_opening is not None
        return self.provider is ProviderName.CHECKLY and named

    @property
    def awaited_opening(self) -> int | None:
        """The delivery still opening this target's incident, or None when it exists."""
        return opening_awaited(self.incident_id)

    @property
    def kind(self) -> str:
        """What the target is, as people say it."""
        if self.on_status_page:
            return "Checkly status-page incident"
        return f"{self.provider.label} incident"


@dataclass(frozen=True)
class Update:
    """What a status page is told: a state, a text, and optionally when to show it and whether
    to notify subscribers (where the target has those)."""

    state: State
    content: str
    published_at: datetime | None = None
    notify_subscribers: bool | None = None


class Source(StrEnum):
    """Where an update came from."""

    MODAL = "modal"
    INLINE = "inline"
    REACTION = "reaction"
    CLI = "cli"
    RETRY = "retry"


@dataclass(frozen=True)
class Submission:
    """An update with its targets and its origin, ready to be stored and delivered; or, by its
    operation, an incident to open (targets name where) or an edit or deletion of `subject`."""

    update: Update
    targets: tuple[Target, ...]
    source: Source
    author: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    skipped: tuple[Target, ...] = ()
    dedup_key: str | None = None
    operation: Operation = Operation.PUBLISH
    opening: Opening | None = None
    subject: Subject | None = None
    check_since: datetime | None = None
    """The update may already be at its targets (a retry of a delivery whose end was unclear):
    each is looked for there, among what was created since then, before it is sent."""


@dataclass(frozen=True)
class Accepted:
    """The provider created the update."""

    provider_update_id: str


@dataclass(frozen=True)
class Refused:
    """The provider said no; final. Its own words are kept."""

    status: int | None
    message: str
    field_errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Retry:
    """A passing failure (429, 5xx, connection refused): safe to try again later; after a 5xx
    that `maybe_applied`, only once the provider was checked for what the request did."""

    reason: str
    after_seconds: float | None = None
    status: int | None = None

    @property
    def maybe_applied(self) -> bool:
        """Whether the provider may have applied the request: a 500, or a gateway's 502 or 504,
        can come after it did; 501 and 503 say the request was not taken up."""
        return self.status is not None and self.status >= 500 and self.status not in (501, 503)


@dataclass(frozen=True)
class Unclear:
    """The request may have been applied (timeout, dropped connection): reconcile first."""

    reason: str


Outcome = Accepted | Refused | Retry | Unclear


def may_have_arrived(outcome: Outcome | None) -> bool:
    """Whether the request an outcome answers may have been applied by the provider anyway."""
    return isinstance(outcome, Unclear) or (isinstance(outcome, Retry) and outcome.maybe_applied)


@dataclass(frozen=True)
class Endless:
    """A list no retry can read to its end (more pages than the bot reads, or a next page
    leading back to one read): not an outcome, but the end of a check that needed it."""

    reason: str


@dataclass(frozen=True)
class RemoteUpdate:
    """An update as a provider lists it, used to reconcile unclear deliveries and to keep
    what an edit does not change (`published_at`: when it is shown as posted, if listed)."""

    id: str
    state: State | None
    content: str
    created_at: datetime | None
    published_at: datetime | None = None


class DeliveryStatus(StrEnum):
    """Where one update stands at one target."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def is_final(self) -> bool:
        """Whether nothing more will happen to this delivery."""
        return self in _FINAL


_FINAL = frozenset(
    {DeliveryStatus.ACCEPTED, DeliveryStatus.REFUSED, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED}
)
