"""ChecklyClient with status-page incidents (`checkly:<page>/<incident>`) against the fake."""

import json
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from bot.domain.models import Accepted, Refused, Update
from bot.domain.states import State
from bot.providers.checkly import ChecklyClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.checkly_pages import PREDATES_INCIDENT
from tests.fakes.fixtures import (
    CHECKLY_ACCOUNT,
    CHECKLY_KEY,
    CHECKLY_PAGE_INCIDENT,
    checkly_settings,
)

PAGE, _, INCIDENT = CHECKLY_PAGE_INCIDENT.partition("/")
PATH = f"/v3/status-pages/{PAGE}/incidents/{INCIDENT}/incident-updates"
UPDATE = Update(State.IDENTIFIED, "A bad deploy; rolling back.")


async def test_a_plain_update_is_status_and_description_only(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await checkly_client.send(UPDATE, CHECKLY_PAGE_INCIDENT.upper())

    (request,) = checkly_fake.requests
    assert (request.method, request.raw_path) == ("POST", PATH)
    assert request.headers["authorization"] == f"Bearer {CHECKLY_KEY}"
    assert request.headers["x-checkly-account"] == CHECKLY_ACCOUNT
    assert request.json == {"status": "IDENTIFIED", "description": UPDATE.content}
    (stored,) = checkly_fake.applied(CHECKLY_PAGE_INCIDENT)
    assert outcome == Accepted(stored["id"])
    assert stored["notifySubscribers"] is False


async def test_publish_time_and_notification_are_sent_as_documented(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    paris = datetime.now(UTC).astimezone(timezone(timedelta(hours=2)))
    when = (paris - timedelta(minutes=5)).replace(microsecond=123456)
    update = Update(State.RESOLVED, "Fixed.", published_at=when, notify_subscribers=True)

    outcome = await checkly_client.send(update, CHECKLY_PAGE_INCIDENT)

    (request,) = checkly_fake.requests
    stamp = when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert request.json == {
        "status": "RESOLVED",
        "description": "Fixed.",
        "publicIncidentUpdateDate": stamp,
        "notifySubscribers": True,
    }
    (stored,) = checkly_fake.applied(CHECKLY_PAGE_INCIDENT)
    assert outcome == Accepted(stored["id"])
    assert (stored["publicIncidentUpdateDate"], stored["notifySubscribers"]) == (stamp, True)


async def test_a_publish_time_before_the_incident_is_refused_in_checklys_words(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    early = Update(UPDATE.state, UPDATE.content, published_at=datetime(2020, 1, 1, tzinfo=UTC))

    outcome = await checkly_client.send(early, CHECKLY_PAGE_INCIDENT)

    assert isinstance(outcome, Refused)
    assert (outcome.status, outcome.message) == (400, PREDATES_INCIDENT)
    assert checkly_fake.applied(CHECKLY_PAGE_INCIDENT) == []


async def test_maintenance_never_leaves_for_a_status_page(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await checkly_client.send(
        Update(State.MAINTENANCE, "Planned."), CHECKLY_PAGE_INCIDENT
    )

    assert outcome == Refused(None, "A Checkly status page has no 'maintenance' state")
    assert checkly_fake.requests == []


@pytest.mark.parametrize(
    "incident",
    [f"{PAGE}/../{INCIDENT}", f"{PAGE}/{INCIDENT}?x=1", f"{PAGE}%2F{INCIDENT}", f"{PAGE}/"],
)
async def test_malformed_ids_never_reach_a_url(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, incident: str
) -> None:
    assert isinstance(await checkly_client.send(UPDATE, incident), Refused)
    assert isinstance(await checkly_client.list_updates(incident), Refused)
    assert checkly_fake.requests == []


async def test_the_list_is_read_newest_first(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    older, newer = checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, ["first", "second"])

    listed = await checkly_client.list_updates(CHECKLY_PAGE_INCIDENT)

    assert isinstance(listed, list)
    assert [(u.id, u.content, u.state) for u in listed] == [
        (newer["id"], "second", State.INVESTIGATING),
        (older["id"], "first", State.INVESTIGATING),
    ]
    (request,) = checkly_fake.requests
    assert (request.method, request.raw_path, request.query) == ("GET", PATH, {})


async def test_an_unknown_status_page_is_refused_404(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    other = f"11111111-2222-4333-8444-555555555555/{INCIDENT}"

    outcome = await checkly_client.send(UPDATE, other)

    assert isinstance(outcome, Refused)
    assert outcome.status == 404
    assert checkly_fake.requests_to("POST", "/v3/status-pages/11111111-")


def test_the_dry_run_shows_the_status_page_request() -> None:
    client = ChecklyClient(httpx.AsyncClient(), checkly_settings("https://api.example"))
    update = Update(State.MONITORING, "Watching.", notify_subscribers=False)

    request = client.prepare(update, CHECKLY_PAGE_INCIDENT)

    assert (request.method, request.url) == ("POST", f"https://api.example{PATH}")
    assert request.headers["Authorization"] == "Bearer ***"
    assert request.json == {
        "status": "MONITORING",
        "description": "Watching.",
        "notifySubscribers": False,
    }


async def test_a_listed_bare_date_is_no_creation_time() -> None:
    """The document types `created_at` as a date: a bare date cannot rule an update out."""
    entry = {"id": "u1", "status": "MONITORING", "description": "x", "created_at": "2026-08-29"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps([entry]))

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = ChecklyClient(http, checkly_settings("https://api.example"))
        listed = await client.list_updates(CHECKLY_PAGE_INCIDENT)

    assert isinstance(listed, list)
    assert [(u.id, u.created_at) for u in listed] == [("u1", None)]


async def test_a_list_that_is_not_an_array_is_unreadable() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b'{"entries": []}')

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = ChecklyClient(http, checkly_settings("https://api.example"))
        listed = await client.list_updates(CHECKLY_PAGE_INCIDENT)

    assert not isinstance(listed, list)
