"""What the bot does at a vendor besides adding an update: open, recover, edit, delete."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Operation(StrEnum):
    """What one delivery asks of its vendor."""

    PUBLISH = "publish"
    OPEN = "open"
    RECOVER = "recover"
    EDIT = "edit"
    DELETE = "delete"

    @property
    def label(self) -> str:
        """The operation as people say it."""
        return _LABELS[self]


_LABELS = {
    Operation.PUBLISH: "update",
    Operation.OPEN: "opening",
    Operation.RECOVER: "recovery",
    Operation.EDIT: "edit",
    Operation.DELETE: "deletion",
}


class Impact(StrEnum):
    """How bad an incident is (Phare's `impact`; Checkly's component status follows it)."""

    UNKNOWN = "unknown"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def label(self) -> str:
        """The impact as people say it."""
        return self.value.replace("_", " ").capitalize()


PHARE_TITLE_LIMIT = 250
CHECKLY_TITLE_LIMIT = 255


@dataclass(frozen=True)
class Opening:
    """An incident to open: its title, impact, first message, and what it affects."""

    title: str
    impact: Impact = Impact.UNKNOWN
    message: str | None = None
    component_ids: tuple[str, ...] = ()
    monitor_ids: tuple[int, ...] = ()
    notify_subscribers: bool = False

    @property
    def first_message(self) -> str:
        """The text of the incident's first update: the message, else the title."""
        return self.message or self.title


@dataclass(frozen=True)
class RemoteIncident:
    """An incident as a vendor lists it, to reconcile an opening whose answer was unclear.

    `id` is written as a target's incident id (`42`, `<page-uuid>/<incident-uuid>`).
    """

    id: str
    title: str
    created_at: datetime | None


@dataclass(frozen=True)
class Component:
    """A component of a Checkly status page, offered when opening an incident there."""

    id: str
    name: str


@dataclass(frozen=True)
class Subject:
    """The published update an edit or a deletion is about."""

    delivery_id: int
    remote_id: str
    receipt_ts: str | None = None


_AWAITING = "opening-"


def awaiting_opening(delivery_id: int) -> str:
    """The incident id a binding holds while its incident is being opened by that delivery."""
    return f"{_AWAITING}{delivery_id}"


def opening_awaited(incident_id: str) -> int | None:
    """The delivery opening the incident this id stands for, or None for a real incident id."""
    if not incident_id.startswith(_AWAITING):
        return None
    number = incident_id.removeprefix(_AWAITING)
    return int(number) if number.isdigit() else None
