"""Opening an incident on a Checkly status page (v3): the request, and the incident it made."""

from typing import Any

import httpx

from bot.domain.ids import InvalidId, parse_status_page_id, parse_uuid
from bot.domain.models import Accepted, Outcome, Refused
from bot.domain.operations import CHECKLY_TITLE_LIMIT, Impact, Opening
from bot.providers._checkly_http import ChecklyLine
from bot.providers._checkly_items import id_of
from bot.providers._exchange import unreadable
from bot.providers._responses import json_body
from bot.providers.base import PreparedRequest

_COMPONENT_STATUS = {
    Impact.UNKNOWN: "DEGRADED_PERFORMANCE",
    Impact.DEGRADED_PERFORMANCE: "DEGRADED_PERFORMANCE",
    Impact.PARTIAL_OUTAGE: "PARTIAL_OUTAGE",
    Impact.MAJOR_OUTAGE: "MAJOR_OUTAGE",
}


def component_status(impact: Impact) -> str:
    """The status the opening gives each chosen component; an unknown impact reads as
    DEGRADED_PERFORMANCE, the least alarming status the document has for an impacted component
    (OPERATIONAL, what omitted components are, would deny they are affected)."""
    return _COMPONENT_STATUS[impact]


def open_request(
    line: ChecklyLine, opening: Opening, where: str, *, masked: bool
) -> PreparedRequest:
    """`POST /v3/status-pages/{where}/incidents`; raises InvalidId or ValueError."""
    page = parse_status_page_id(where)
    url = line.url("v3", "status-pages", page, "incidents")
    return PreparedRequest("POST", url, line.headers(masked=masked), _open_body(opening))


def _open_body(opening: Opening) -> dict[str, Any]:
    """PublicStatusPageV3IncidentCreate: the name, exactly one first update, the impacts."""
    if not opening.title.strip():
        raise ValueError("the incident has no title")
    if len(opening.title) > CHECKLY_TITLE_LIMIT:
        raise ValueError(f"the title is longer than Checkly's {CHECKLY_TITLE_LIMIT} characters")
    first = {
        "status": "INVESTIGATING",
        "description": opening.first_message,
        "notifySubscribers": opening.notify_subscribers,
    }
    body: dict[str, Any] = {"name": opening.title, "incidentUpdates": [first]}
    components = dict.fromkeys(parse_uuid(c, "Checkly component id") for c in opening.component_ids)
    if components:
        status = component_status(opening.impact)
        body["componentImpacts"] = [{"componentId": c, "status": status} for c in components]
    return body


async def open_incident(line: ChecklyLine, opening: Opening, where: str) -> Outcome:
    """Open the incident; Accepted carries it as a target writes it (`<page>/<incident>`)."""
    try:
        prepared = open_request(line, opening, where, masked=False)
    except (InvalidId, ValueError) as error:
        return Refused(None, str(error))
    page = parse_status_page_id(where)
    answer = await line.send(prepared)
    if not isinstance(answer, httpx.Response):
        return answer
    if not answer.is_success:
        return line.failure(answer, f"status page {page}")
    incident = _opened_id(json_body(answer))
    if incident is None:
        return unreadable(line.vendor, answer, "the opened incident")
    return Accepted(f"{page}/{incident}")


def _opened_id(body: object) -> str | None:
    """The opened incident's UUID (201, PublicStatusPageV3Incident), or None."""
    found = id_of(body) if isinstance(body, dict) else None
    try:
        return None if found is None else parse_uuid(found, "incident")
    except InvalidId:
        return None
