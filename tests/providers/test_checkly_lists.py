"""ChecklyClient lists a status page's incidents and components, page after page (v3)."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.domain.models import Endless, Refused, Unclear
from bot.domain.operations import Component, RemoteIncident
from bot.providers.checkly import ChecklyClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_PAGE, CHECKLY_PAGE_INCIDENT, checkly_settings
from tests.fakes.vendor import Reply

INCIDENTS = f"/v3/status-pages/{CHECKLY_PAGE}/incidents"
COMPONENTS = f"/v3/status-pages/{CHECKLY_PAGE}/components"
UNKNOWN = "11111111-2222-4333-8444-555555555555"
NOW = datetime.now(UTC).replace(microsecond=0)  # Checkly keeps milliseconds


def _seed(fake: ChecklyFake, count: int, opened_at: datetime, name: str) -> list[str]:
    """Incidents opened at that time, each named `name` and its number; returns their keys."""
    keys = [f"{CHECKLY_PAGE}/{uuid.uuid4()}" for _ in range(count)]
    for n, key in enumerate(keys):
        fake.add_page_incident(key, opened_at=opened_at + timedelta(seconds=n), name=f"{name} {n}")
    return keys


async def test_every_page_of_incidents_is_read(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    keys = _seed(checkly_fake, 130, NOW - timedelta(minutes=30), "Recent")

    listed = await checkly_client.list_incidents(CHECKLY_PAGE, NOW - timedelta(hours=2))

    assert isinstance(listed, list)
    assert {i.id for i in listed} == {*keys, CHECKLY_PAGE_INCIDENT}
    first, second = checkly_fake.requests
    assert (first.raw_path.partition("?")[0], first.query) == (INCIDENTS, {"limit": "100"})
    assert second.query == {"limit": "100", "nextId": keys[29].partition("/")[2]}
    recent = next(i for i in listed if i.id == keys[0])
    assert recent == RemoteIncident(keys[0], "Recent 0", NOW - timedelta(minutes=30))


async def test_the_reading_stops_at_incidents_untouched_since(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    _seed(checkly_fake, 150, NOW - timedelta(days=3), "Old")
    recent = _seed(checkly_fake, 1, NOW - timedelta(minutes=5), "New")

    listed = await checkly_client.list_incidents(CHECKLY_PAGE, NOW - timedelta(minutes=10))

    assert isinstance(listed, list)
    assert [(i.id, i.title) for i in listed] == [(recent[0], "New 0")]
    assert len(checkly_fake.requests) == 1


async def test_an_incident_created_exactly_at_since_is_listed(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    since = NOW - timedelta(minutes=3)
    (key,) = _seed(checkly_fake, 1, since, "Edge")

    listed = await checkly_client.list_incidents(CHECKLY_PAGE, since)

    assert isinstance(listed, list)
    assert [i.id for i in listed] == [key]


async def test_an_unknown_status_page_is_named(checkly_client: ChecklyClient) -> None:
    listed = await checkly_client.list_incidents(UNKNOWN, NOW)
    components = await checkly_client.list_components(UNKNOWN)

    for outcome in (listed, components):
        assert isinstance(outcome, Refused)
        assert outcome.message.startswith(f"status page {UNKNOWN} was not found at Checkly")


async def test_every_page_of_components_is_read_in_display_order(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    seeded = checkly_fake.add_components(CHECKLY_PAGE, [f"Service {n}" for n in range(230)])

    listed = await checkly_client.list_components(CHECKLY_PAGE)

    assert listed == [Component(c["id"], c["name"]) for c in seeded]
    assert [r.query for r in checkly_fake.requests] == [
        {"limit": "100"},
        {"limit": "100", "nextId": seeded[100]["id"]},
        {"limit": "100", "nextId": seeded[200]["id"]},
    ]


async def test_a_page_without_components_lists_none(checkly_client: ChecklyClient) -> None:
    assert await checkly_client.list_components(CHECKLY_PAGE) == []


def _page(entries: list[dict[str, Any]], next_id: str | None) -> Reply:
    """A scripted page of a v3 list."""
    body = {"length": len(entries), "entries": entries, "nextId": next_id}
    return Reply.raw(200, json.dumps(body), "application/json")


async def test_a_cursor_that_leads_back_stops_the_reading(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    component = {"id": UNKNOWN, "name": "API"}
    checkly_fake.script(_page([component], "a"), _page([component], "a"), route="components")

    listed = await checkly_client.list_components(CHECKLY_PAGE)

    assert listed == Endless("Checkly's next page of components leads back to a page already read")
    assert len(checkly_fake.requests) == 2


async def test_the_reading_stops_after_fifty_pages(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    pages = [_page([{"id": UNKNOWN, "name": "API"}], f"c{n}") for n in range(60)]
    checkly_fake.script(*pages, route="components")

    listed = await checkly_client.list_components(CHECKLY_PAGE)

    assert listed == Endless(
        "Checkly lists more than 50 pages of components, more than the bot reads"
    )
    assert len(checkly_fake.requests) == 50


@pytest.mark.parametrize(
    "body",
    [
        {"entries": [], "nextId": None},
        {"length": 1, "entries": [{"id": "not-a-uuid", "name": "API"}]},
        {"length": 1, "entries": [{"id": UNKNOWN}]},
        {"length": 1, "entries": [], "nextId": 7},
        [],
    ],
    ids=["no-length", "bad-id", "no-name", "numeric-cursor", "array"],
)
async def test_an_undocumented_page_is_unclear(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, body: object
) -> None:
    checkly_fake.script(Reply.raw(200, json.dumps(body), "application/json"), route="components")

    listed = await checkly_client.list_components(CHECKLY_PAGE)

    assert isinstance(listed, Unclear)
    assert "the list of components could not be read" in listed.reason


async def test_bare_dates_rule_out_only_whole_days_before() -> None:
    """The document types `created_at` as a date: a bare date says nothing of the hour."""
    since = datetime(2026, 8, 29, 12, 0, tzinfo=UTC)
    entries = [
        _item("00000001", "2026-08-29", None),
        _item("00000002", "2026-08-28", None),
        _item("00000003", "2026-08-27", "2026-08-29T13:00:00.000Z"),
        _item("00000004", "2026-08-29T11:59:59.999Z", None),
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        body = {"length": len(entries), "entries": entries, "nextId": None}
        return httpx.Response(200, content=json.dumps(body))

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = ChecklyClient(http, checkly_settings("https://api.example"))
        listed = await client.list_incidents(CHECKLY_PAGE, since)

    assert isinstance(listed, list)
    assert [(i.id.partition("/")[2][:8], i.created_at) for i in listed] == [
        ("00000001", None),
        ("00000002", None),
    ]


def _item(prefix: str, created: str, updated: str | None) -> dict[str, Any]:
    """A PublicStatusPageV3IncidentListItem."""
    return {
        "id": f"{prefix}-0000-4000-8000-000000000000",
        "statusPageId": CHECKLY_PAGE,
        "name": prefix,
        "lastUpdateStatus": "INVESTIGATING",
        "created_at": created,
        "updated_at": updated,
    }
