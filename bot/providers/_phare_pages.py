"""Reading a Phare list: every page by `links.next`, each as its document describes it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import httpx

from bot.domain.models import Endless, Refused, Retry, Unclear
from bot.providers._exchange import Vendor, exchange, failure_outcome, for_reading, unreadable
from bot.providers._pages import PageTrail
from bot.providers._responses import json_body

PER_PAGE = 100
MAX_PAGES = 50
FIRST_PAGE = {"page": "1", "per_page": str(PER_PAGE)}
_KEEP_PARAMS = {"per_page": str(PER_PAGE)}


class _Listed(Protocol):
    """A listed item: anything with an id."""

    @property
    def id(self) -> str:
        """The item's id."""
        ...


L = TypeVar("L", bound=_Listed)
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """What a listing needs from one page: its items and the link to the next page."""

    items: list[T]
    next_link: str | None


def read_page(body: object, read_item: Callable[[object], T | None]) -> Page[T] | None:
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
    items = [read_item(item) for item in body["data"]]
    if any(i is None for i in items):
        return None
    return Page([i for i in items if i is not None], next_link)


@dataclass(frozen=True)
class Lister:
    """Who reads the lists: the shared client, the vendor, and the request headers."""

    http: httpx.AsyncClient
    vendor: Vendor
    headers: Mapping[str, str]

    async def every_page(
        self, first: httpx.URL, noun: str, read_item: Callable[[object], L | None], about: str
    ) -> list[L] | Refused | Retry | Unclear | Endless:
        """Every item of a list, following `links.next` to the end; each id once (`about`
        names the incident a 404 is about)."""
        label = self.vendor.name.label
        trail = PageTrail(first, label=label, max_pages=MAX_PAGES, keep=_KEEP_PARAMS, noun=noun)
        found: dict[str, L] = {}
        url: httpx.URL | None = first
        while url is not None:
            page = await self._page(url, noun, read_item, about)
            if not isinstance(page, Page):
                return page
            found.update((i.id, i) for i in page.items if i.id not in found)
            step = trail.follow(url, page.next_link)
            if isinstance(step, Retry | Endless):
                return step
            url = step
        return list(found.values())

    async def _page(
        self, url: httpx.URL, noun: str, read_item: Callable[[object], L | None], about: str
    ) -> Page[L] | Refused | Retry | Unclear:
        """One page of a list, or why it could not be read."""
        answer = await exchange(self.http, self.vendor, "GET", str(url), headers=self.headers)
        if not isinstance(answer, httpx.Response):
            return for_reading(answer)
        if not answer.is_success:
            return failure_outcome(self.vendor, answer, about)
        page = read_page(json_body(answer), read_item)
        if page is None:
            where = url.params.get("page", "?")
            return unreadable(self.vendor, answer, f"page {where} of the {noun}")
        return page
