"""PhareClient.list_incidents: every page (Phare states no order), those created since a time."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.models import Endless, Refused, Retry, Unclear
from bot.domain.operations import RemoteIncident
from bot.providers._phare_pages import MAX_PAGES
from bot.providers.phare import NO_COMPONENTS, PhareClient
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _page(data: list[dict[str, Any]], next_link: str | None) -> Reply:
    """A hand-made page of incidents: `data` and `links.next`, as documented."""
    links = {"first": None, "last": None, "prev": None, "next": next_link}
    return Reply.raw(200, json.dumps({"data": data, "links": links}), "application/json")


async def test_every_page_is_read_and_only_incidents_since_the_time_are_kept(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)  # after incident 42
    for n in range(250):
        phare_fake.add_incident(100 + n, title=f"i{n}", created_at=later - timedelta(minutes=n))

    listed = await phare_client.list_incidents("", later - timedelta(minutes=9))

    assert isinstance(listed, list)
    assert sorted(i.title for i in listed) == sorted(f"i{n}" for n in range(10))
    assert RemoteIncident("100", "i0", later) in listed
    pages = [r.query for r in phare_fake.requests_to("GET", "/uptime/incidents")]
    assert pages == [{"page": str(n), "per_page": "100"} for n in (1, 2, 3)]


async def test_no_order_is_assumed_so_an_older_page_never_ends_the_listing(
    phare_client: PhareClient, phare_fake: PhareFake, phare_server: LoopbackServer
) -> None:
    path = f"{phare_server.url}/uptime/incidents"
    old = {"id": 7, "title": "old", "created_at": "2026-03-01T08:00:00.000000Z"}
    new = {"id": 8, "title": "new", "created_at": "2026-03-02T12:30:00.000000Z"}
    phare_fake.script_to("incidents", _page([old], f"{path}?page=2"), _page([new], None))

    listed = await phare_client.list_incidents("", NOW)

    assert listed == [RemoteIncident("8", "new", datetime(2026, 3, 2, 12, 30, tzinfo=UTC))]


async def test_an_incident_without_a_readable_creation_time_is_kept(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    item = {"id": 9, "title": "when?", "impact": "unknown", "exclude_from_downtime": False}
    phare_fake.script_to("incidents", _page([item, {**item, "id": 10, "created_at": "soon"}], None))

    listed = await phare_client.list_incidents("", NOW)

    assert listed == [RemoteIncident("9", "when?", None), RemoteIncident("10", "when?", None)]


@pytest.mark.parametrize(
    "item",
    [{"title": "no id"}, {"id": 3}, {"id": True, "title": "bool id"}, "42"],
    ids=["no-id", "no-title", "bool-id", "not-an-object"],
)
async def test_a_page_missing_what_matching_needs_is_unclear(
    phare_client: PhareClient, phare_fake: PhareFake, item: object
) -> None:
    phare_fake.script_to(
        "incidents",
        Reply.raw(200, json.dumps({"data": [item], "links": {"next": None}}), "application/json"),
    )

    listed = await phare_client.list_incidents("", NOW)

    assert isinstance(listed, Unclear)
    assert "page 1 of the incidents could not be read" in listed.reason


async def test_a_failure_on_a_later_page_is_returned(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    for n in range(150):
        phare_fake.add_incident(100 + n, created_at=NOW)
    phare_fake.script_to("incidents", Reply.ok(), Reply.rate_limited(retry_after=5))

    listed = await phare_client.list_incidents("", NOW)

    assert isinstance(listed, Retry)
    assert listed.after_seconds == 5.0


async def test_an_endless_listing_stops_at_the_page_cap(
    phare_client: PhareClient, phare_fake: PhareFake, phare_server: LoopbackServer
) -> None:
    path = f"{phare_server.url}/uptime/incidents"
    pages = (_page([{"id": n, "title": "t"}], f"{path}?page={n + 1}") for n in range(1, 80))
    phare_fake.script_to("incidents", *pages)

    listed = await phare_client.list_incidents("", NOW)

    assert listed == Endless(
        f"Phare lists more than {MAX_PAGES} pages of incidents, more than the bot reads"
    )


async def test_a_next_link_elsewhere_is_never_followed(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    phare_fake.script_to(
        "incidents", _page([], "https://elsewhere.example/uptime/incidents?page=2")
    )

    listed = await phare_client.list_incidents("", NOW)

    assert isinstance(listed, Retry)
    assert "link to the next page of incidents leads elsewhere" in listed.reason
    assert len(phare_fake.requests) == 1


@pytest.mark.parametrize(
    ("where", "since", "said"),
    [
        ("page-1", NOW, "project of its headers"),
        ("", NOW.replace(tzinfo=None), "has no time zone"),
    ],
    ids=["a-place", "naive-time"],
)
async def test_what_cannot_be_asked_is_refused_without_a_request(
    phare_client: PhareClient, phare_fake: PhareFake, where: str, since: datetime, said: str
) -> None:
    listed = await phare_client.list_incidents(where, since)

    assert isinstance(listed, Refused)
    assert said in listed.message
    assert phare_fake.requests == []


async def test_phare_incidents_have_no_components(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    assert await phare_client.list_components("") == Refused(None, NO_COMPONENTS)
    assert NO_COMPONENTS == "Phare incidents have no components"
    assert phare_fake.requests == []
