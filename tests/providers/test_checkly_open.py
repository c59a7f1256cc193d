"""ChecklyClient opens an incident on a status page (v3), and has no recovery of its own."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.domain.models import Accepted, Refused, Unclear
from bot.domain.operations import Impact, Opening
from bot.providers.checkly import ChecklyClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_KEY, CHECKLY_PAGE, checkly_settings
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply

INCIDENTS = f"/v3/status-pages/{CHECKLY_PAGE}/incidents"
UNKNOWN = "11111111-2222-4333-8444-555555555555"


def _opened(fake: ChecklyFake) -> list[str]:
    """The incidents the fake holds on the page, as targets write them."""
    return [f"{CHECKLY_PAGE}/{i['id']}" for i in fake.incidents_on(CHECKLY_PAGE)]


async def test_an_opening_is_the_documented_request(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    api, web = checkly_fake.add_components(CHECKLY_PAGE, ["API", "Web"])
    opening = Opening(
        "Payments are failing",
        Impact.PARTIAL_OUTAGE,
        "Payments time out.",
        (api["id"].upper(), web["id"], api["id"]),
        notify_subscribers=True,
    )

    outcome = await checkly_client.open_incident(opening, CHECKLY_PAGE.upper())

    (request,) = checkly_fake.requests
    assert (request.method, request.raw_path) == ("POST", INCIDENTS)
    assert request.headers["authorization"] == f"Bearer {CHECKLY_KEY}"
    assert request.headers["x-checkly-account"] == CHECKLY_ACCOUNT
    first_update = {
        "status": "INVESTIGATING",
        "description": "Payments time out.",
        "notifySubscribers": True,
    }
    assert request.json == {
        "name": "Payments are failing",
        "incidentUpdates": [first_update],
        "componentImpacts": [
            {"componentId": api["id"], "status": "PARTIAL_OUTAGE"},
            {"componentId": web["id"], "status": "PARTIAL_OUTAGE"},
        ],
    }
    (opened,) = [i for i in checkly_fake.incidents_on(CHECKLY_PAGE) if i["name"] == opening.title]
    assert outcome == Accepted(f"{CHECKLY_PAGE}/{opened['id']}")
    (first,) = opened["incidentUpdates"]
    assert {key: first[key] for key in first_update} == first_update


async def test_without_a_message_or_components_the_title_opens_it(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await checkly_client.open_incident(Opening("Search is slow"), CHECKLY_PAGE)

    (request,) = checkly_fake.requests
    assert request.json == {
        "name": "Search is slow",
        "incidentUpdates": [
            {"status": "INVESTIGATING", "description": "Search is slow", "notifySubscribers": False}
        ],
    }
    assert isinstance(outcome, Accepted)
    assert outcome.provider_update_id in _opened(checkly_fake)
    assert not checkly_fake.is_closed(outcome.provider_update_id)


@pytest.mark.parametrize(
    ("impact", "status"),
    [
        (Impact.UNKNOWN, "DEGRADED_PERFORMANCE"),
        (Impact.DEGRADED_PERFORMANCE, "DEGRADED_PERFORMANCE"),
        (Impact.PARTIAL_OUTAGE, "PARTIAL_OUTAGE"),
        (Impact.MAJOR_OUTAGE, "MAJOR_OUTAGE"),
    ],
)
async def test_the_components_take_the_impact(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, impact: Impact, status: str
) -> None:
    (api,) = checkly_fake.add_components(CHECKLY_PAGE, ["API"])

    outcome = await checkly_client.open_incident(
        Opening("API errors", impact, component_ids=(api["id"],)), CHECKLY_PAGE
    )

    assert isinstance(outcome, Accepted)
    (opened,) = [i for i in checkly_fake.incidents_on(CHECKLY_PAGE) if i["name"] == "API errors"]
    assert [(c["componentId"], c["status"]) for c in opened["componentImpacts"]] == [
        (api["id"], status)
    ]


def test_the_dry_run_shows_the_request_with_the_key_masked() -> None:
    client = ChecklyClient(httpx.AsyncClient(), checkly_settings("https://api.example"))

    request = client.prepare_open(Opening("Checkout is failing"), CHECKLY_PAGE)

    assert (request.method, request.url) == ("POST", f"https://api.example{INCIDENTS}")
    assert request.headers["Authorization"] == "Bearer ***"
    assert CHECKLY_KEY not in repr(request)
    assert request.json["name"] == "Checkout is failing"


@pytest.mark.parametrize(
    ("opening", "where", "said"),
    [
        (Opening("Down"), f"{CHECKLY_PAGE}/{UNKNOWN}", "is not a UUID"),
        (Opening("Down"), "{" + CHECKLY_PAGE + "}", "is not a UUID"),
        (Opening("Down"), f"{CHECKLY_PAGE}?x=1", "is not a UUID"),
        (Opening("Down", component_ids=("api",)), CHECKLY_PAGE, "component id 'api'"),
        (Opening("  "), CHECKLY_PAGE, "the incident has no title"),
        (Opening("x" * 256), CHECKLY_PAGE, "longer than Checkly's 255 characters"),
    ],
)
async def test_what_cannot_be_opened_never_reaches_checkly(
    checkly_client: ChecklyClient,
    checkly_fake: ChecklyFake,
    opening: Opening,
    where: str,
    said: str,
) -> None:
    outcome = await checkly_client.open_incident(opening, where)

    assert isinstance(outcome, Refused)
    assert outcome.status is None
    assert said in outcome.message
    with pytest.raises(ValueError, match=said.replace("'", ".").replace("?", ".")):
        checkly_client.prepare_open(opening, where)
    assert checkly_fake.requests == []


async def test_an_unknown_status_page_is_named(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await checkly_client.open_incident(Opening("Down"), UNKNOWN)

    assert outcome == Refused(
        404, f"status page {UNKNOWN} was not found at Checkly. It said: “Not Found”"
    )


async def test_an_opening_held_open_after_it_was_made_is_unclear_then_listed(
    checkly_fake: ChecklyFake, checkly_server: LoopbackServer
) -> None:
    checkly_fake.script(Reply.apply_then_hang(), route="open")
    since = datetime.now(UTC) - timedelta(seconds=1)
    url = checkly_server.url
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, read=0.3)) as http:
        client = ChecklyClient(http, checkly_settings(url))
        outcome = await client.open_incident(Opening("Checkout is failing"), CHECKLY_PAGE)
        listed = await client.list_incidents(CHECKLY_PAGE, since)

    assert isinstance(outcome, Unclear)
    assert "did not answer in time" in outcome.reason
    assert isinstance(listed, list)
    assert [(i.id, i.title) for i in listed] == [(_opened(checkly_fake)[0], "Checkout is failing")]


async def test_recovery_is_refused_without_a_request(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await checkly_client.recover(f"{CHECKLY_PAGE}/{UNKNOWN}")

    assert outcome == Refused(None, "Checkly closes an incident with its RESOLVED update")
    assert checkly_fake.requests == []
