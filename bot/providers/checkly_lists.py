"""Listing a Checkly status page (v3): its incidents since a time, and its components."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial

from bot.domain.ids import InvalidId, parse_status_page_id, parse_uuid
from bot.domain.models import Refused
from bot.domain.operations import Component, RemoteIncident
from bot.providers._checkly_http import ChecklyLine
from bot.providers._checkly_items import created_at, id_of
from bot.providers._checkly_paging import Listing, read_all
from bot.providers.base import ComponentsResult, IncidentsResult


@dataclass(frozen=True)
class _Listed:
    """A listed incident, and whether it was created, and last touched, before `since`."""

    incident: RemoteIncident
    created_before: bool
    touched_before: bool


async def list_incidents(line: ChecklyLine, where: str, since: datetime) -> IncidentsResult:
    """The page's incidents created at or after `since` (as far as their dates tell).

    Checkly lists them most recently updated first, so once an incident was last touched
    before `since`, every later one was too: the reading stops there.
    """
    try:
        page = parse_status_page_id(where)
    except InvalidId as error:
        return Refused(None, str(error))
    moment = since if since.tzinfo is not None else since.replace(tzinfo=UTC)
    listing = Listing(
        url=line.url("v3", "status-pages", page, "incidents"),
        what="incidents",
        missing=f"status page {page}",
        read=partial(_incident, page, moment),
        enough=lambda entries: any(entry.touched_before for entry in entries),
    )
    found = await read_all(line, listing)
    if not isinstance(found, list):
        return found
    return [entry.incident for entry in found if not entry.created_before]


def _incident(page: str, since: datetime, item: object) -> _Listed | None:
    """One PublicStatusPageV3IncidentListItem, or None when unreadable."""
    if not isinstance(item, dict):
        return None
    found, name, created = id_of(item), item.get("name"), item.get("created_at")
    if found is None or not isinstance(name, str) or not isinstance(created, str):
        return None
    try:
        incident = parse_uuid(found, "incident")
    except InvalidId:
        return None
    touched = item.get("updated_at") or created
    return _Listed(
        RemoteIncident(f"{page}/{incident}", name, created_at(created)),
        _before(created, since),
        _before(touched, since),
    )


def _before(value: object, since: datetime) -> bool:
    """Whether a listed time is surely before `since`: a bare date (the document types these
    as dates) only when it is a whole day earlier, whatever its time zone; unreadable: no."""
    stamp = created_at(value)
    if stamp is not None:
        return stamp < since
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return False
    return day is not None and day < (since - timedelta(days=1)).date()


async def list_components(line: ChecklyLine, where: str) -> ComponentsResult:
    """Every component of the status page, in its display order."""
    try:
        page = parse_status_page_id(where)
    except InvalidId as error:
        return Refused(None, str(error))
    listing = Listing(
        url=line.url("v3", "status-pages", page, "components"),
        what="components",
        missing=f"status page {page}",
        read=_component,
    )
    return await read_all(line, listing)


def _component(item: object) -> Component | None:
    """One PublicStatusPageV3Component as (id, name), or None when unreadable."""
    if not isinstance(item, dict):
        return None
    found, name = id_of(item), item.get("name")
    if found is None or not isinstance(name, str):
        return None
    try:
        return Component(parse_uuid(found, "component"), name)
    except InvalidId:
        return None
