"""Editing and deleting a published Checkly update, on a dashboard (v1) or a status page (v3)."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.domain.ids import InvalidId, parse_checkly_id, parse_uuid
from bot.domain.models import (
    Accepted,
    Endless,
    Outcome,
    Refused,
    RemoteUpdate,
    Retry,
    Unclear,
    Update,
)
from bot.domain.states import ProviderName, UnsupportedState, vendor_state
from bot.providers import checkly_pages
from bot.providers._checkly_http import ChecklyLine
from bot.providers._checkly_items import id_of
from bot.providers._exchange import unreadable
from bot.providers._responses import json_body
from bot.providers.base import ListResult

Lister = Callable[[str], Awaitable[ListResult]]


def _update_url(line: ChecklyLine, incident: str, update_id: str) -> str:
    """`/v1/incidents/{id}/updates/{updateId}` or `/v3/.../incident-updates/{updateId}`."""
    if "/" not in incident:
        return line.url("v1", "incidents", incident, "updates", update_id)
    page, _, inner = incident.partition("/")
    return line.url("v3", "status-pages", page, "incidents", inner, "incident-updates", update_id)


def _parsed(incident_id: str, update_id: str) -> tuple[str, str]:
    """The incident and the update, each parsed strictly; raises InvalidId."""
    return parse_checkly_id(incident_id), parse_uuid(update_id, "Checkly update id")


async def edit_update(
    line: ChecklyLine, listing: Lister, incident_id: str, update_id: str, update: Update
) -> Outcome:
    """PUT the update's new text (and, on a status page, its status, notification and publish
    time, its own unless the edit sets one); a dashboard update keeps its status, so changing
    it is refused unsent."""
    try:
        incident, update_id = _parsed(incident_id, update_id)
        body: dict[str, Any] = (
            checkly_pages.create_body(update, incident)
            if "/" in incident
            else {"description": update.content}
        )
        vendor_state(ProviderName.CHECKLY, update.state)
    except (InvalidId, UnsupportedState, ValueError) as error:
        return Refused(None, str(error))
    completed = await _completed(listing, incident, update_id, update, body)
    if not isinstance(completed, dict):
        return completed
    request = line.request("PUT", _update_url(line, incident, update_id), completed)
    answer = await line.send(request)
    if not isinstance(answer, httpx.Response):
        return answer
    if not answer.is_success:
        return line.failure(answer, _missing(incident, update_id))
    body_read = json_body(answer)
    if not isinstance(body_read, dict) or id_of(body_read) is None:
        return unreadable(line.vendor, answer, "the edited update")
    return Accepted(update_id)


async def _completed(
    listing: Lister, incident: str, update_id: str, update: Update, body: dict[str, Any]
) -> dict[str, Any] | Refused | Retry:
    """The body to PUT, given the update as Checkly lists it: a dashboard update's status
    must stay; a status-page update keeps its publish time unless the edit sets one (Checkly
    reads a missing one as now). Else why not to edit."""
    if "/" in incident and update.published_at is not None:
        return body
    current = await _current(listing, incident, update_id)
    if not isinstance(current, RemoteUpdate):
        return current
    if "/" not in incident:
        return body if current.state is update.state else _status_kept(current)
    if current.published_at is None:
        return body
    return body | {"publicIncidentUpdateDate": checkly_pages.public_date(current.published_at)}


async def _current(
    listing: Lister, incident: str, update_id: str
) -> RemoteUpdate | Refused | Retry:
    """The update as Checkly lists it now, or why it cannot be read."""
    listed = await listing(incident)
    if isinstance(listed, Unclear):
        return Retry(listed.reason)
    if isinstance(listed, Endless):
        return Refused(None, f"the update could not be found: {listed.reason}")
    if isinstance(listed, Refused | Retry):
        return listed
    current = next((u for u in listed if u.id == update_id), None)
    if current is None:
        return Refused(404, f"{_missing(incident, update_id)} was not found at Checkly")
    return current


def _status_kept(current: RemoteUpdate) -> Refused:
    """A dashboard update's status cannot be changed: only its text."""
    shown = current.state.value if current.state is not None else "an unknown status"
    return Refused(
        None,
        "Checkly keeps the status of a dashboard incident's update; only its text can be "
        f"edited (this update is {shown})",
    )


async def delete_update(line: ChecklyLine, incident_id: str, update_id: str) -> Outcome:
    """DELETE the update; Checkly's refusal (say, of an incident's last update) in its words."""
    try:
        incident, update_id = _parsed(incident_id, update_id)
    except InvalidId as error:
        return Refused(None, str(error))
    answer = await line.send(line.request("DELETE", _update_url(line, incident, update_id)))
    if not isinstance(answer, httpx.Response):
        return answer
    if not answer.is_success:
        return line.failure(answer, _missing(incident, update_id))
    if answer.status_code != 204 and answer.content.strip():
        return unreadable(line.vendor, answer, "whether the update was deleted")
    return Accepted(update_id)


def _missing(incident: str, update_id: str) -> str:
    """What a 404 says is missing."""
    return f"incident {incident} or its update {update_id}"
