"""PhareClient.list_updates: every page by `links.next`, as Phare documents it, and no further."""

import json
from typing import Any

import httpx
import pytest

from bot.domain.models import Endless, Retry, Unclear
from bot.domain.states import State
from bot.providers._phare_pages import MAX_PAGES
from bot.providers.phare import PhareClient
from tests.fakes.fixtures import PHARE_TOKEN, phare_settings
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply

UPDATES = "/uptime/incidents/42/updates"


def _item(n: int, **extra: object) -> dict[str, Any]:
    """A listed update as Phare documents it."""
    return {"id": n, "state": "investigating", "content": f"u{n}", **extra}


def _page(data: list[dict[str, Any]], next_link: str | None, **extra: object) -> Reply:
    """A hand-made list page: documented `data` and `links.next`, plus anything else."""
    body = {"data": data, "links": {"first": None, "last": None, "prev": None, "next": next_link}}
    return Reply.raw(200, json.dumps({**body, **extra}), "application/json")


async def test_every_page_is_read_by_following_next_without_total_or_last_page(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    seeded = phare_fake.add_updates(42, [f"update {n}" for n in range(250)])

    listed = await phare_client.list_updates("42")

    assert isinstance(listed, list)
    assert [u.id for u in listed] == [str(u["id"]) for u in reversed(seeded)]
    assert all(u.state is State.INVESTIGATING and u.created_at is not None for u in listed)
    pages = [r.query for r in phare_fake.requests_to("GET")]
    assert pages == [{"page": str(n), "per_page": "100"} for n in (1, 2, 3)]


async def test_an_incident_without_updates_is_one_request(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    listed = await phare_client.list_updates("42")

    assert listed == []
    assert len(phare_fake.requests) == 1


async def test_what_the_listing_does_not_need_may_be_missing_or_extra(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    page = _page([_item(7, pinned=True, created_at=None)], None, total="many")
    phare_fake.script_list(page)  # no meta at all, an undocumented state word below

    listed = await phare_client.list_updates("42")
    phare_fake.script_list(_page([_item(8, state="postmortem")], None))
    other = await phare_client.list_updates("42")

    assert isinstance(listed, list)
    assert isinstance(other, list)
    assert [(u.id, u.content, u.created_at) for u in listed] == [("7", "u7", None)]
    assert [(u.id, u.state) for u in other] == [("8", None)]


@pytest.mark.parametrize(
    "body",
    [
        {"data": [_item(1)]},
        {"data": [_item(1)], "links": {"first": None}},
        {"data": [_item(1)], "links": {"next": 2}},
        {"data": {"1": _item(1)}, "links": {"next": None}},
        {"data": [{"id": 1, "content": "no state"}], "links": {"next": None}},
        {"data": [{"id": True, "state": "resolved", "content": "x"}], "links": {"next": None}},
    ],
    ids=["no-links", "no-next", "next-not-a-url", "data-not-a-list", "no-state", "bool-id"],
)
async def test_a_page_missing_what_the_listing_needs_is_unclear(
    phare_client: PhareClient, phare_fake: PhareFake, body: dict[str, Any]
) -> None:
    phare_fake.script_list(Reply.raw(200, json.dumps(body), "application/json"))

    listed = await phare_client.list_updates("42")

    assert isinstance(listed, Unclear)
    assert "page 1 of the updates could not be read" in listed.reason


async def test_a_relative_next_link_without_per_page_keeps_ours(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    phare_fake.add_updates(42, [f"u{n}" for n in range(150)])
    phare_fake.script_list(_page([_item(1)], f"{UPDATES}?page=2"))

    listed = await phare_client.list_updates("42")

    assert isinstance(listed, list)
    assert len(listed) == 1 + 50
    assert phare_fake.requests[1].query == {"page": "2", "per_page": "100"}


async def test_a_next_link_carrying_its_own_per_page_is_followed_as_given(
    phare_client: PhareClient, phare_fake: PhareFake, phare_server: LoopbackServer
) -> None:
    phare_fake.add_updates(42, [f"u{n}" for n in range(150)])
    link = f"{phare_server.url}{UPDATES}?per_page=60&page=2"
    phare_fake.script_list(_page([_item(1)], link))

    listed = await phare_client.list_updates("42")

    assert isinstance(listed, list)
    assert [r.query for r in phare_fake.requests] == [
        {"page": "1", "per_page": "100"},
        {"page": "2", "per_page": "60"},
        {"page": "3", "per_page": "100"},
    ]


async def test_a_next_link_to_another_host_is_never_followed(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    elsewhere = PhareFake(token=PHARE_TOKEN, incidents={42})
    with LoopbackServer(elsewhere.app) as other:
        phare_fake.script_list(_page([_item(1)], f"{other.url}{UPDATES}?page=2"))
        listed = await phare_client.list_updates("42")

    assert isinstance(listed, Retry)
    assert "link to the next page of updates leads elsewhere" in listed.reason
    assert elsewhere.requests == []  # the token never went there
    assert len(phare_fake.requests) == 1


@pytest.mark.parametrize(
    "link",
    ["/uptime/incidents/43/updates?page=2", "/uptime/incidents?page=2", "https://{host}" + UPDATES],
    ids=["other-incident", "other-list", "other-scheme"],
)
async def test_a_next_link_to_another_path_or_scheme_is_never_followed(
    phare_client: PhareClient, phare_fake: PhareFake, phare_server: LoopbackServer, link: str
) -> None:
    host = phare_server.url.removeprefix("http://")
    phare_fake.script_list(_page([_item(1)], link.format(host=host)))

    listed = await phare_client.list_updates("42")

    assert isinstance(listed, Retry)
    assert len(phare_fake.requests) == 1


async def test_a_next_link_back_to_a_page_already_read_ends_the_listing(
    phare_client: PhareClient, phare_fake: PhareFake, phare_server: LoopbackServer
) -> None:
    path = phare_server.url + UPDATES
    phare_fake.script_list(_page([_item(1)], f"{path}?page=2"), _page([_item(2)], f"{path}?page=1"))

    listed = await phare_client.list_updates("42")

    assert listed == Endless(
        "Phare's link to the next page of updates leads back to a page already read"
    )
    assert len(phare_fake.requests) == 2


async def test_an_endless_listing_stops_at_the_page_cap_and_says_so(
    phare_client: PhareClient, phare_fake: PhareFake, phare_server: LoopbackServer
) -> None:
    path = phare_server.url + UPDATES
    phare_fake.script_list(*(_page([_item(n)], f"{path}?page={n + 1}") for n in range(1, 80)))

    listed = await phare_client.list_updates("42")

    assert listed == Endless(
        f"Phare lists more than {MAX_PAGES} pages of updates, more than the bot reads"
    )
    assert len(phare_fake.requests) == MAX_PAGES


async def test_a_failure_mid_way_is_returned(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    phare_fake.add_updates(42, [f"u{n}" for n in range(150)])
    phare_fake.script_list(Reply.ok(), Reply.rate_limited(retry_after=5))

    listed = await phare_client.list_updates("42")

    assert isinstance(listed, Retry)
    assert listed.after_seconds == 5.0


async def test_a_dropped_listing_is_retried_since_reading_changes_nothing(
    phare_fake: PhareFake, phare_server: LoopbackServer
) -> None:
    phare_fake.script_list(Reply.drop())
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0)) as http:
        listed = await PhareClient(http, phare_settings(phare_server.url)).list_updates("42")

    assert isinstance(listed, Retry)


async def test_an_unreadable_listing_is_unclear(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    phare_fake.script_list(Reply.raw(200, '{"items": []}', "application/json"))

    listed = await phare_client.list_updates("42")

    assert isinstance(listed, Unclear)
