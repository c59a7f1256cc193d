"""PhareClient: create and list incident updates at Phare (phare.io)."""

from typing import Any
from urllib.parse import quote

import httpx

from bot.config import PhareSettings
from bot.domain.ids import InvalidId, parse_phare_id
from bot.domain.models import Accepted, Outcome, Refused, RemoteUpdate, Retry, Unclear, Update
from bot.domain.states import ProviderName, UnsupportedState, state_from_vendor, vendor_state
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
from bot.providers.base import ListResult, PreparedRequest

PER_PAGE = 100
MAX_PAGES = 200


class PhareClient:
    """Phare's `/uptime/incidents/{id}/updates`, spoken through one shared AsyncClient."""

    def __init__(self, http: httpx.AsyncClient, settings: PhareSettings) -> None:
        self._http = http
        self._settings = settings
        token = settings.api_token.get_secret_value()
        self._vendor = Vendor(ProviderName.PHARE, "PHARE_API_TOKEN", "API token", token)

    @property
    def name(self) -> ProviderName:
        """Phare."""
        return ProviderName.PHARE

    def prepare(self, update: Update, incident_id: str) -> PreparedRequest:
        """The create request, token masked; raises InvalidId or UnsupportedState."""
        return self._create_request(update, incident_id, masked=True)

    async def send(self, update: Update, incident_id: str) -> Outcome:
        """Create the update; every failure comes back as an outcome."""
        try:
            request = self._create_request(update, incident_id, masked=False)
        except (InvalidId, UnsupportedState, ValueError) as error:
            return Refused(None, str(error))
        answer = await create(self._http, self._vendor, request, incident_id)
        if not isinstance(answer, httpx.Response):
            return answer
        body = json_body(answer)
        update_id = body.get("id") if isinstance(body, dict) else None
        if isinstance(update_id, bool) or not isinstance(update_id, int | str) or update_id == "":
            return unreadable(self._vendor, answer, "the created update")
        return Accepted(str(update_id))

    async def list_updates(self, incident_id: str) -> ListResult:
        """Every update of the incident, newest first, reading every page."""
        try:
            url = self._updates_url(incident_id)
        except InvalidId as error:
            return Refused(None, str(error))
        found: dict[str, RemoteUpdate] = {}
        for page in range(1, MAX_PAGES + 1):
            answer = await exchange(
                self._http,
                self._vendor,
                "GET",
                f"{url}?page={page}&per_page={PER_PAGE}",
                headers=self._headers(masked=False),
            )
            if not isinstance(answer, httpx.Response):
                return for_reading(answer)
            if not answer.is_success:
                return failure_outcome(self._vendor, answer, incident_id)
            parsed = _read_page(json_body(answer))
            if parsed is None:
                return unreadable(self._vendor, answer, f"page {page} of the updates")
            updates, last_page = parsed
            found.update((u.id, u) for u in updates if u.id not in found)
            if not updates or page >= last_page:
                break
        return list(found.values())

    async def check_credentials(self) -> Refused | Retry | Unclear | None:
        """List one incident: None when the token (and project header) are accepted."""
        url = f"{self._settings.api_url.rstrip('/')}/uptime/incidents?per_page=1"
        return await check_access(self._http, self._vendor, url, self._headers(masked=False))

    def _create_request(self, update: Update, incident_id: str, *, masked: bool) -> PreparedRequest:
        """The POST that creates an update, with the id parsed and the state in Phare's words."""
        url = self._updates_url(incident_id)
        body: dict[str, Any] = {
            "state": vendor_state(ProviderName.PHARE, update.state),
            "content": update.content,
        }
        if update.published_at is not None:
            if update.published_at.utcoffset() is None:
                raise ValueError("the publish time has no time zone")
            body["published_at"] = update.published_at.isoformat()
        return PreparedRequest("POST", url, self._headers(masked=masked), body)

    def _updates_url(self, incident_id: str) -> str:
        """The incident's updates URL; the id is parsed and quoted, never pasted."""
        segment = quote(parse_phare_id(incident_id), safe="")
        return f"{self._settings.api_url.rstrip('/')}/uptime/incidents/{segment}/updates"

    def _headers(self, *, masked: bool) -> dict[str, str]:
        """Bearer token and the optional project headers."""
        token = "***" if masked else self._vendor.secret
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if self._settings.project_id is not None:
            headers["X-Phare-Project-Id"] = str(self._settings.project_id)
        if self._settings.project_slug:
            headers["X-Phare-Project-Slug"] = self._settings.project_slug
        return headers


def _read_page(body: object) -> tuple[list[RemoteUpdate], int] | None:
    """One Laravel-style page: its updates and the last page number; None if unreadable."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return None
    meta = body.get("meta")
    last_page = meta.get("last_page") if isinstance(meta, dict) else None
    if not isinstance(last_page, int) or isinstance(last_page, bool):
        return None
    updates = [_remote(item) for item in body["data"]]
    if any(u is None for u in updates):
        return None
    return [u for u in updates if u is not None], last_page


def _remote(item: object) -> RemoteUpdate | None:
    """One listed update, or None when it lacks an id or content."""
    if not isinstance(item, dict):
        return None
    update_id, content = item.get("id"), item.get("content")
    if not isinstance(update_id, int | str) or not isinstance(content, str):
        return None
    state_word = item.get("state")
    state = (
        state_from_vendor(ProviderName.PHARE, state_word) if isinstance(state_word, str) else None
    )
    return RemoteUpdate(str(update_id), state, content, parse_timestamp(item.get("created_at")))
