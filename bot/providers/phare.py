"""PhareClient: open and recover incidents at Phare (phare.io), publish, edit and delete their
updates, and list both."""

from datetime import datetime
from typing import Any

import httpx

from bot.config import PhareSettings
from bot.domain.ids import InvalidId
from bot.domain.models import Accepted, Outcome, Refused, Retry, Unclear, Update
from bot.domain.operations import Opening
from bot.domain.states import ProviderName, UnsupportedState
from bot.providers._exchange import Vendor, check_access, create, exchange, unreadable
from bot.providers._phare_items import id_text, remote_incident, remote_update
from bot.providers._phare_pages import FIRST_PAGE, Lister
from bot.providers._phare_requests import PhareUrls, opening_body, update_body
from bot.providers._responses import json_body
from bot.providers.base import ComponentsResult, IncidentsResult, ListResult, PreparedRequest

NO_COMPONENTS = "Phare incidents have no components"


Failure = Refused | Retry | Unclear


class PhareClient:
    """Phare's `/uptime/incidents` endpoints, spoken through one shared AsyncClient.

    Phare's project comes from the headers, so its `where` is always "" (anything else is
    refused as a caller's mistake).
    """

    def __init__(self, http: httpx.AsyncClient, settings: PhareSettings) -> None:
        self._http = http
        self._settings = settings
        self._urls = PhareUrls(settings.api_url)
        token = settings.api_token.get_secret_value()
        self._vendor = Vendor(ProviderName.PHARE, "PHARE_API_TOKEN", "API token", token)

    @property
    def name(self) -> ProviderName:
        """Phare."""
        return ProviderName.PHARE

    def prepare(self, update: Update, incident_id: str) -> PreparedRequest:
        """The create request, token masked; raises InvalidId or UnsupportedState."""
        url = self._urls.updates(incident_id)
        return PreparedRequest("POST", url, self._headers(masked=True), update_body(update))

    async def send(self, update: Update, incident_id: str) -> Outcome:
        """Create the update; every failure comes back as an outcome."""
        try:
            url, body = self._urls.updates(incident_id), update_body(update)
        except (InvalidId, UnsupportedState, ValueError) as error:
            return Refused(None, str(error))
        return await self._create(url, body, incident_id, "update")

    async def list_updates(self, incident_id: str) -> ListResult:
        """Every update of the incident, in Phare's order, following `links.next` to the end."""
        try:
            first = httpx.URL(self._urls.updates(incident_id), params=FIRST_PAGE)
        except InvalidId as error:
            return Refused(None, str(error))
        return await self._lister().every_page(first, "updates", remote_update, incident_id)

    def prepare_open(self, opening: Opening, where: str) -> PreparedRequest:
        """The create-incident request, token masked; raises ValueError for a `where`."""
        _check_no_place(where)
        url = self._urls.incidents()
        return PreparedRequest("POST", url, self._headers(masked=True), opening_body(opening))

    async def open_incident(self, opening: Opening, where: str) -> Outcome:
        """Create the incident (`POST /uptime/incidents`); Accepted carries its id ("42")."""
        try:
            _check_no_place(where)
        except ValueError as error:
            return Refused(None, str(error))
        url, body = self._urls.incidents(), opening_body(opening)
        return await self._create(url, body, "-", "incident", missing="the incident list")

    async def list_incidents(self, where: str, since: datetime) -> IncidentsResult:
        """The incidents created at or after `since`, ids written as targets write them.

        Phare documents no order for this list, so every page is read (up to MAX_PAGES);
        an incident whose creation time is missing or unreadable cannot be ruled out and is kept.
        """
        try:
            _check_no_place(where)
            if since.utcoffset() is None:
                raise ValueError("the time to list incidents from has no time zone")
        except ValueError as error:
            return Refused(None, str(error))
        first = httpx.URL(self._urls.incidents(), params=FIRST_PAGE)
        listed = await self._lister().every_page(first, "incidents", remote_incident, "-")
        if not isinstance(listed, list):
            return listed
        return [i for i in listed if i.created_at is None or i.created_at >= since]

    async def recover(self, incident_id: str) -> Outcome:
        """Recover the incident; Accepted carries its id.

        Phare documents 204 for a recovery, and a 422 without saying when; nothing particular
        for an incident already recovered. So any 2xx is Accepted, and after a 422 the incident
        is read: already recovered, that is Accepted too; else Phare's refusal stands.
        """
        try:
            url = self._urls.recover(incident_id)
        except InvalidId as error:
            return Refused(None, str(error))
        answer = await self._change("POST", url, incident_id)
        if isinstance(answer, httpx.Response):
            return Accepted(incident_id)
        refused = isinstance(answer, Refused) and answer.status == 422
        if refused and await self._recovered(incident_id):
            return Accepted(incident_id)
        return answer

    async def edit_update(self, incident_id: str, update_id: str, update: Update) -> Outcome:
        """Change the update in place (state, content, publish time); Accepted carries its id."""
        try:
            url, body = self._urls.update(incident_id, update_id), update_body(update)
        except (InvalidId, UnsupportedState, ValueError) as error:
            return Refused(None, str(error))
        missing = f"update {update_id} of incident {incident_id}"
        answer = await self._change("POST", url, incident_id, body=body, missing=missing)
        if not isinstance(answer, httpx.Response):
            return answer
        if not _is_update(json_body(answer), update_id):
            return unreadable(self._vendor, answer, "the changed update")
        return Accepted(update_id)

    async def delete_update(self, incident_id: str, update_id: str) -> Outcome:
        """Delete the update; Accepted (its id) on Phare's documented 204, Unclear on another
        2xx (what it did cannot be told)."""
        try:
            url = self._urls.update(incident_id, update_id)
        except InvalidId as error:
            return Refused(None, str(error))
        missing = f"update {update_id} of incident {incident_id}"
        answer = await self._change("DELETE", url, incident_id, missing=missing)
        if not isinstance(answer, httpx.Response):
            return answer
        if answer.status_code != 204:
            return unreadable(self._vendor, answer, "its answer to the deletion")
        return Accepted(update_id)

    async def list_components(self, where: str) -> ComponentsResult:
        """None to list: Phare's incidents name monitors, not status-page components."""
        return Refused(None, NO_COMPONENTS)

    async def check_credentials(self) -> Refused | Retry | Unclear | None:
        """List one incident: None when the token (and project header) are accepted."""
        url = f"{self._urls.incidents()}?per_page=1"
        return await check_access(self._http, self._vendor, url, self._headers(masked=False))

    async def _create(
        self,
        url: str,
        body: dict[str, Any],
        incident_id: str,
        what: str,
        missing: str | None = None,
    ) -> Outcome:
        """POST a creation: Accepted with the new id Phare answers, else why not."""
        answer = await self._change("POST", url, incident_id, body=body, missing=missing)
        if not isinstance(answer, httpx.Response):
            return answer
        created = json_body(answer)
        new_id = id_text(created.get("id")) if isinstance(created, dict) else None
        if new_id is None:
            return unreadable(self._vendor, answer, f"the created {what}")
        return Accepted(new_id)

    async def _change(
        self,
        method: str,
        url: str,
        incident_id: str,
        *,
        body: dict[str, Any] | None = None,
        missing: str | None = None,
    ) -> httpx.Response | Failure:
        """A request that changes something: the 2xx answer, or the failure as an outcome."""
        request = PreparedRequest(method, url, self._headers(masked=False), body or {})
        return await create(self._http, self._vendor, request, incident_id, missing=missing)

    async def _recovered(self, incident_id: str) -> bool:
        """Whether Phare shows the incident as recovered (False when that cannot be read)."""
        url, headers = self._urls.incident(incident_id), self._headers(masked=False)
        answer = await exchange(self._http, self._vendor, "GET", url, headers=headers)
        if not isinstance(answer, httpx.Response) or not answer.is_success:
            return False
        shown = json_body(answer)
        return isinstance(shown, dict) and shown.get("status") == "recovered"

    def _lister(self) -> Lister:
        """The list reader, with the real headers."""
        return Lister(self._http, self._vendor, self._headers(masked=False))

    def _headers(self, *, masked: bool) -> dict[str, str]:
        """Bearer token and the optional project headers."""
        token = "***" if masked else self._vendor.secret
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if self._settings.project_id is not None:
            headers["X-Phare-Project-Id"] = str(self._settings.project_id)
        if self._settings.project_slug:
            headers["X-Phare-Project-Slug"] = self._settings.project_slug
        return headers


def _check_no_place(where: str) -> None:
    """Phare's project comes from the headers: any `where` is a mistake (ValueError)."""
    if where:
        raise ValueError(f"Phare opens incidents in the project of its headers, not {where[:80]!r}")


def _is_update(body: object, update_id: str) -> bool:
    """Whether an answer reads as the documented update (state and content; its id if any)."""
    if not isinstance(body, dict):
        return False
    if not isinstance(body.get("state"), str) or not isinstance(body.get("content"), str):
        return False
    return "id" not in body or id_text(body["id"]) == update_id
