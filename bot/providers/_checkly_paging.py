"""Reading a Checkly v3 list to its end: `limit` and `nextId` asked, `length`, `entries` and
`nextId` answered, a page cap, and no cursor followed twice."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

from bot.domain.models import Endless, Refused, Retry, Unclear
from bot.providers._checkly_http import ChecklyLine
from bot.providers._exchange import for_reading, unreadable
from bot.providers._responses import json_body

LIMIT = 100
MAX_PAGES = 50

T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """What one list reads: its URL, what it lists, how an entry reads, when to stop early.

    `read` gives None for an entry it cannot read (the page is then unreadable); `enough` is
    asked after each page whether the rest can be left unread.
    """

    url: str
    what: str
    missing: str
    read: Callable[[object], T | None]
    enough: Callable[[list[T]], bool] = lambda entries: False


async def read_all(
    line: ChecklyLine, listing: Listing[T]
) -> list[T] | Refused | Retry | Unclear | Endless:
    """Every entry, page after page, or the failure that stopped the reading (Endless: no
    retry could read it to its end)."""
    found: list[T] = []
    cursors: set[str] = set()
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params = {"limit": str(LIMIT)} | ({"nextId": cursor} if cursor is not None else {})
        url = str(httpx.URL(listing.url, params=params))
        answer = await line.send(line.request("GET", url))
        if not isinstance(answer, httpx.Response):
            return for_reading(answer)
        if not answer.is_success:
            return line.failure(answer, listing.missing)
        page = _page(json_body(answer), listing.read)
        if page is None:
            return unreadable(line.vendor, answer, f"the list of {listing.what}")
        entries, cursor = page
        found.extend(entries)
        if cursor is None or listing.enough(entries):
            return found
        if cursor in cursors:
            return Endless(
                f"Checkly's next page of {listing.what} leads back to a page already read"
            )
        cursors.add(cursor)
    return Endless(
        f"Checkly lists more than {MAX_PAGES} pages of {listing.what}, more than the bot reads"
    )


def _page(body: object, read: Callable[[object], T | None]) -> tuple[list[T], str | None] | None:
    """A page's entries and the cursor of the next page (None on the last), or None when the
    page is not the documented `{length, entries, nextId?}`."""
    if not isinstance(body, dict) or not isinstance(body.get("length"), int):
        return None
    listed, cursor = body.get("entries"), body.get("nextId")
    if not isinstance(listed, list) or not (cursor is None or isinstance(cursor, str)):
        return None
    entries = [read(item) for item in listed]
    found = [entry for entry in entries if entry is not None]
    if len(found) != len(entries):
        return None
    return found, cursor or None
