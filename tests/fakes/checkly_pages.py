"""Checkly's v3 status pages as the loopback Checkly fake serves them: shapes and checks.

Checkly documents (checkly-status-pages-v3-incidents-openapi.yaml) the update body
`PublicStatusPageV3IncidentUpdateMutation`: `description` (string) and `status`
(INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED) required, `publicIncidentUpdateDate`
(date-time; "cannot predate the incident") and `notifySubscribers` (boolean) optional, nothing
else. The created or listed update is `PublicStatusPageV3IncidentUpdate`: those four fields plus
`id` and `created_at`. The document names no words for a publish time before the incident: the
fake answers Checkly's 400 shape with PREDATES_INCIDENT.
"""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.fakes.checkly_rules import fields_problem, stamp

STATUS_PAGE_STATUSES = ("INVESTIGATING", "IDENTIFIED", "MONITORING", "RESOLVED")
IMPACT_STATUSES = (
    "OPERATIONAL",
    "UNDER_MAINTENANCE",
    "DEGRADED_PERFORMANCE",
    "PARTIAL_OUTAGE",
    "MAJOR_OUTAGE",
)
PREDATES_INCIDENT = '"publicIncidentUpdateDate" cannot predate the incident'
_FIELDS = ("description", "status", "publicIncidentUpdateDate", "notifySubscribers")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def page_key(page: str, incident: str) -> str:
    """How the fake keys a status-page incident: `<page>/<incident>`, as the bot writes it."""
    return f"{page}/{incident}"


def read_date_time(text: object) -> datetime | None:
    """An RFC 3339 date-time (the document's `format: date-time`), or None."""
    if not isinstance(text, str) or _DATE_TIME.fullmatch(text) is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def update_problem(payload: object, opened_at: datetime) -> str | None:
    """Checkly's (Joi's) message for an invalid update body, or None when it is valid."""
    problem = fields_problem(payload, _FIELDS, STATUS_PAGE_STATUSES)
    if problem is not None or not isinstance(payload, dict):
        return problem
    return _optional_problem(payload, opened_at)


def _optional_problem(payload: Mapping[str, Any], opened_at: datetime) -> str | None:
    """The publish time (a date-time, not before the incident) and the notification flag."""
    if "publicIncidentUpdateDate" in payload:
        when = read_date_time(payload["publicIncidentUpdateDate"])
        if when is None:
            return '"publicIncidentUpdateDate" must be in ISO 8601 date format'
        if when < opened_at:
            return PREDATES_INCIDENT
    if "notifySubscribers" in payload and not isinstance(payload["notifySubscribers"], bool):
        return '"notifySubscribers" must be a boolean'
    return None


def stored_update(payload: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    """The update as Checkly keeps and returns it (PublicStatusPageV3IncidentUpdate)."""
    return {
        "description": payload["description"],
        "status": payload["status"],
        "publicIncidentUpdateDate": payload.get("publicIncidentUpdateDate", stamp),
        "notifySubscribers": payload.get("notifySubscribers", False),
        "id": str(uuid.uuid4()),
        "created_at": stamp,
    }


def status_page(page: str, account: str, stamp: str) -> dict[str, Any]:
    """A status page as GET /v3/status-pages/{id} returns it (PublicStatusPageV3)."""
    return {
        "name": "Acme status",
        "url": f"acme-{page[:8]}",
        "id": page,
        "accountId": account,
        "version": 3,
        "created_at": stamp,
        "updated_at": None,
    }


def query_problem(query: Mapping[str, str]) -> str | None:
    """The routes served take no query parameter: Joi's message for the first one given."""
    for key in query:
        return f'"{key}" is not allowed'
    return None


@dataclass
class PageIncident:
    """A status-page incident besides its updates: name, times, component impacts."""

    name: str
    opened_at: datetime
    touched_at: datetime
    updated: str | None = None
    impacts: list[dict[str, Any]] = field(default_factory=list)

    def listed(self, key: str, updates: list[dict[str, Any]]) -> dict[str, Any]:
        """PublicStatusPageV3IncidentListItem: the newest update gives its status; a RESOLVED
        one gives `duration` (from the first update) and ends each component's impact."""
        page, _, incident = key.partition("/")
        status = updates[-1]["status"] if updates else "INVESTIGATING"
        resolved = updates[-1]["created_at"] if updates and status == "RESOLVED" else None
        return {
            "id": incident,
            "statusPageId": page,
            "name": self.name,
            "lastUpdateStatus": status,
            "duration": _seconds(updates[0]["created_at"], resolved) if resolved else None,
            "componentImpacts": [{**impact, "endedAt": resolved} for impact in self.impacts],
            "created_at": stamp(self.opened_at),
            "updated_at": self.updated,
        }


def _seconds(start: str, end: str) -> int | None:
    """Whole seconds between two stamps."""
    began, ended = read_date_time(start), read_date_time(end)
    return None if began is None or ended is None else int((ended - began).total_seconds())
