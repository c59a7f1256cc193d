"""ChecklyClient: incidents and their updates at Checkly, on dashboards and status pages."""

from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from bot.config import ChecklySettings
from bot.domain.ids import InvalidId, parse_checkly_id, parse_status_page_id
from bot.domain.models import Accepted, Outcome, Refused, RemoteUpdate, Retry, Unclear, Update
from bot.domain.operations import Opening
from bot.domain.states import ProviderName, UnsupportedState, vendor_state
from bot.providers import checkly_edits, checkly_lists, checkly_open, checkly_pages
from bot.providers._checkly_http import ChecklyLine
from bot.providers._checkly_items import id_of, remote_update
from bot.providers._exchange import (
    Vendor,
    check_access,
    create,
    exchange,
    failure_outcome,
    for_reading,
    unreadable,
)
from bot.providers._responses import json_body, parse_timestamp
from bot.providers.base import ComponentsResult, IncidentsResult, ListResult, PreparedRequest

_EPOCH = datetime.min.replace(tzinfo=UTC)


class ChecklyClient:
    """Checkly's dashboard incidents (`/v1/incidents/{id}/updates`) and status-page incidents
    (`/v3/status-pages/{page}/incidents/{id}/incident-updates`), through one AsyncClient."""

    def __init__(self, http: httpx.AsyncClient, settings: ChecklySettings) -> None:
        self._http = http
        self._settings = settings
        key = settings.api_key.get_secret_value()
        self._vendor = Vendor(ProviderName.CHECKLY, "CHECKLY_API_KEY", "API key", key)
        self._line = ChecklyLine(http, self._vendor, settings.api_url, settings.account_id)

    @property
    def name(self) -> ProviderName:
        """Checkly."""
        return ProviderName.CHECKLY

    def prepare(self, update: Update, incident_id: str) -> PreparedRequest:
        """The create request, key masked; raises InvalidId, UnsupportedState or ValueError."""
        return self._create_request(update, incident_id, masked=True)

    async def send(self, update: Update, incident_id: str) -> Outcome:
        """Create the update; every failure comes back as an outcome."""
        try:
            request = self._create_request(update, incident_id, masked=False)
        except (InvalidId, UnsupportedState, ValueError) as error:
            return Refused(None, str(error))
        canonical = parse_checkly_id(incident_id)
        answer = await create(self._http, self._vendor, request, canonical)
        if not isinstance(answer, httpx.Response):
            return answer
        if "/" in canonical:
            created = checkly_pages.created_id(json_body(answer))
        else:
            created = _created_id(json_body(answer), request.json["status"], update.content)
        if created is None:
            return unreadable(self._vendor, answer, "the created update")
        return Accepted(created)

    async def list_updates(self, incident_id: str) -> ListResult:
        """Every update of the incident, newest first."""
        try:
            canonical = parse_checkly_id(incident_id)
        except InvalidId as error:
            return Refused(None, str(error))
        if "/" in canonical:
            url = checkly_pages.updates_url(self._settings.api_url, canonical)
        else:
            url = f"{self._incident_url(canonical)}?includeAllIncidentUpdates=true"
        answer = await exchange(
            self._http, self._vendor, "GET", url, headers=self._headers(masked=False)
        )
        if not isinstance(answer, httpx.Response):
            return for_reading(answer)
        if not answer.is_success:
            return failure_outcome(self._vendor, answer, canonical)
        body = json_body(answer)
        read = checkly_pages.listed_updates if "/" in canonical else _dashboard_updates
        found = read(body)
        if found is None:
            return unreadable(self._vendor, answer, "the incident's updates")
        return sorted(found, key=lambda u: u.created_at or _EPOCH, reverse=True)

    def _create_request(self, update: Update, incident_id: str, *, masked: bool) -> PreparedRequest:
        """The POST that creates an update, with the id parsed and the status in Checkly's words."""
        canonical = parse_checkly_id(incident_id)
        if "/" in canonical:
            url = checkly_pages.updates_url(self._settings.api_url, canonical)
            body = checkly_pages.create_body(update, canonical)
        else:
            url = f"{self._incident_url(canonical)}/updates"
            body = {
                "status": vendor_state(ProviderName.CHECKLY, update.state),
                "description": update.content,
            }
        return PreparedRequest("POST", url, self._headers(masked=masked), body)

    def _incident_url(self, canonical_id: str) -> str:
        """The incident's URL; the id is already parsed, and quoted all the same."""
        segment = quote(canonical_id, safe="")
        return f"{self._settings.api_url.rstrip('/')}/v1/incidents/{segment}"

    async def check_credentials(self) -> Refused | Retry | Unclear | None:
        """Read the current account: None when the key and account id are accepted."""
        url = f"{self._settings.api_url.rstrip('/')}/v1/accounts/me"
        return await check_access(self._http, self._vendor, url, self._headers(masked=False))

    async def check_status_page(self, page_id: str) -> Refused | Retry | Unclear | None:
        """Read the status page: None when it exists and the key may read it."""
        segment = quote(parse_status_page_id(page_id), safe="")
        url = f"{self._settings.api_url.rstrip('/')}/v3/status-pages/{segment}"
        headers = self._headers(masked=False)
        outcome = await check_access(self._http, self._vendor, url, headers)
        if isinstance(outcome, Refused) and outcome.status == 404:
            return Refused(404, f"status page {page_id} was not found at Checkly")
        return outcome

    def _headers(self, *, masked: bool) -> dict[str, str]:
        """Bearer key and the account header."""
        return self._line.headers(masked=masked)

    def prepare_open(self, opening: Opening, where: str) -> PreparedRequest:
        """The request that opens the incident on status page `where`, key masked; raises
        InvalidId or ValueError. An unknown impact marks the chosen components
        DEGRADED_PERFORMANCE, the least alarming impacted status Checkly documents."""
        return checkly_open.open_request(self._line, opening, where, masked=True)

    async def open_incident(self, opening: Opening, where: str) -> Outcome:
        """Open the incident on status page `where`; Accepted carries `<page>/<incident>`."""
        return await checkly_open.open_incident(self._line, opening, where)

    async def list_incidents(self, where: str, since: datetime) -> IncidentsResult:
        """The incidents of status page `where` created at or after `since`."""
        return await checkly_lists.list_incidents(self._line, where, since)

    async def recover(self, incident_id: str) -> Outcome:
        """Nothing to send: Checkly has no recovery of its own."""
        return Refused(None, "Checkly closes an incident with its RESOLVED update")

    async def edit_update(self, incident_id: str, update_id: str, update: Update) -> Outcome:
        """Change a published update in place (PUT); Accepted carries its id."""
        return await checkly_edits.edit_update(
            self._line, self.list_updates, incident_id, update_id, update
        )

    async def delete_update(self, incident_id: str, update_id: str) -> Outcome:
        """Delete a published update; Checkly's refusal comes back in its own words."""
        return await checkly_edits.delete_update(self._line, incident_id, update_id)

    async def list_components(self, where: str) -> ComponentsResult:
        """Every component of status page `where`, in display order."""
        return await checkly_lists.list_components(self._line, where)


def _created_id(body: object, status: str, description: str) -> str | None:
    """Our update's id: 201 gives one object; 200 gives a list, in no documented order.

    In a list, ours is the newest entry with our status and text (white space aside, as
    Checkly may trim it); failing that, the newest entry of all (a later index breaks ties).
    """
    if isinstance(body, dict):
        return id_of(body)
    if not isinstance(body, list) or not body or not all(isinstance(i, dict) for i in body):
        return None
    dated = [
        (parse_timestamp(item.get("created_at")) or _EPOCH, index, item)
        for index, item in enumerate(body)
    ]
    matches = [
        entry
        for entry in dated
        if entry[2].get("status") == status
        and _same_words(entry[2].get("description"), description)
    ]
    return id_of(max(matches or dated, key=lambda m: (m[0], m[1]))[2])


def _same_words(listed: object, ours: str) -> bool:
    """Whether a listed description is our text, line breaks and runs of white space aside."""
    return isinstance(listed, str) and listed.split() == ours.split()


def _dashboard_updates(body: object) -> list[RemoteUpdate] | None:
    """A dashboard incident's `incidentUpdates`, or None when unreadable."""
    listed = body.get("incidentUpdates") if isinstance(body, dict) else None
    updates = [remote_update(item) for item in listed] if isinstance(listed, list) else None
    if updates is None or any(u is None for u in updates):
        return None
    return [u for u in updates if u is not None]
