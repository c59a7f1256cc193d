"""PhareClient: create and list incident updates at Phare (phare.io)."""

from dataclasses import dataclass
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
from bot.providers._pages import PageTrail
from bot.providers._responses import json_body, parse_timestamp
from bot.providers.base import ListResult, PreparedRequest

PER_PAGE = 100
MAX_PAGES = 50
_FIRST_PAGE = {"page": "1", "per_page": str(PER_PAGE)}
_KEEP_PARAMS = {"per_page": str(PER_PAGE)}


@dataclass(frozen=True)
class _Page:
    """What the listing needs from one page: its updates and the link to the next page."""

    updates: list[RemoteUpdate]
    next_link: str | None


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
        update_id = _id_text(body.get("id")) if isinstance(body, dict) else None
        if update_id is None:
            return unreadable(self._vendor, answer, "the created update")
        return Accepted(update_id)

    async def list_updates(self, incident_id: str) -> ListResult:
        """Every update of the incident, in Phare's order, following `links.next` to the end."""
        try:
            first = httpx.URL(self._updates_url(incident_id), params=_FIRST_PAGE)
        except InvalidId as error:
            return Refused(None, str(error))
        trail = PageTrail(
            first, label=self._vendor.name.label, max_pages=MAX_PAGES, keep=_KEEP_PARAMS
        )
        found: dict[str, RemoteUpdate] = {}
        url: httpx.URL | None = first
        while url is not None:
            page = await self._page(url, incident_id)
            if not isinstance(page, _Page):
                return page
            found.update((u.id, u) for u in page.updates if u.id not in found)
            step = trail.follow(url, page.next_link)
            if isinstance(step, Retry):
                return step
            url = step
        return list(found.values())

    async def _page(self, url: httpx.URL, incident_id: str) -> _Page | Refused | Retry | Unclear:
        """One page of the list, or why it could not be read."""
        headers = self._headers(masked=False)
        answer = await exchange(self._http, self._vendor, "GET", str(url), headers=headers)
        if not isinstance(answer, httpx.Response):
            return for_reading(answer)
        if not answer.is_success:
            return failure_outcome(self._vendor, answer, incident_id)
        page = _read_page(json_body(answer))
        if page is None:
            where = url.params.get("page", "?")
            return unreadable(self._vendor, answer, f"page {where} of the updates")
        return page

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


def _read_page(body: object) -> _Page | None:
    """One page as documented (`data`, and `links.next` a URL or null); None if unreadable.

    Nothing else of the page is needed: `meta` and the other links are not read.
    """
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return None
    links = body.get("links")
    if not isinstance(links, dict) or "next" not in links:
        return None
    next_link = links["next"]
    if next_link is not None and not isinstance(next_link, str):
        return None
    updates = [_remote(item) for item in body["data"]]
    if any(u is None for u in updates):
        return None
    return _Page([u for u in updates if u is not None], next_link)


def _remote(item: object) -> RemoteUpdate | None:
    """One listed update; None when it lacks what matching needs: an id, a state, the content.

    A state word Phare did not document yet is kept as None: such an update is not ours.
    """
    if not isinstance(item, dict):
        return None
    update_id = _id_text(item.get("id"))
    state_word, content = item.get("state"), item.get("content")
    if update_id is None or not isinstance(state_word, str) or not isinstance(content, str):
        return None
    state = state_from_vendor(ProviderName.PHARE, state_word)
    return RemoteUpdate(update_id, state, content, parse_timestamp(item.get("created_at")))


def _id_text(value: object) -> str | None:
    """An update id (documented as an integer; a non-empty string is taken too), or None."""
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        return None
    return str(value)
