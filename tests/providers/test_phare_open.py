"""PhareClient opens incidents: the exact request, Phare's answer, and an answer lost after."""

import httpx
import pytest

from bot.domain.models import Accepted, Refused, Unclear
from bot.domain.operations import Impact, Opening
from bot.providers.phare import PhareClient
from tests.fakes.fixtures import PHARE_TOKEN, phare_settings
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply

OPENING = Opening(
    "Checkout is down", Impact.MAJOR_OUTAGE, "Payments fail with 503.", monitor_ids=(3, 5)
)


async def test_the_incident_is_created_as_phares_document_describes(
    http: httpx.AsyncClient,
) -> None:
    fake = PhareFake(token=PHARE_TOKEN, incidents=(), project_slug="shop")
    with LoopbackServer(fake.app) as server:
        client = PhareClient(http, phare_settings(server.url, project_slug="shop"))
        outcome = await client.open_incident(OPENING, "")

    (held,) = fake.incidents()
    assert outcome == Accepted(str(held["id"]))
    (request,) = fake.requests
    assert (request.method, request.raw_path) == ("POST", "/uptime/incidents")
    assert request.headers["authorization"] == f"Bearer {PHARE_TOKEN}"
    assert request.headers["x-phare-project-slug"] == "shop"
    assert request.json == {
        "title": "Checkout is down",
        "impact": "major_outage",
        "exclude_from_downtime": False,
        "monitors": [3, 5],
        "description": "Payments fail with 503.",
    }
    assert (held["title"], held["status"], held["monitors"]) == (
        "Checkout is down",
        "ongoing",
        [3, 5],
    )


async def test_the_dry_run_shows_the_same_request_with_the_token_masked(
    phare_client: PhareClient, phare_server: LoopbackServer
) -> None:
    prepared = phare_client.prepare_open(OPENING, "")

    assert (prepared.method, prepared.url) == ("POST", f"{phare_server.url}/uptime/incidents")
    assert prepared.headers["Authorization"] == "Bearer ***"
    assert PHARE_TOKEN not in str(prepared)
    assert prepared.json["title"] == "Checkout is down"


async def test_without_monitors_or_message_the_title_describes_it(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcome = await phare_client.open_incident(Opening("Search is slow"), "")

    assert isinstance(outcome, Accepted)
    assert phare_fake.requests[0].json == {
        "title": "Search is slow",
        "impact": "unknown",
        "exclude_from_downtime": False,
        "description": "Search is slow",
    }


async def test_a_message_longer_than_phare_describes_is_left_out_not_cut(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcome = await phare_client.open_incident(Opening("Checkout is down", message="x" * 2001), "")

    assert isinstance(outcome, Accepted)
    assert "description" not in phare_fake.requests[0].json
    assert phare_client.prepare_open(Opening("t", message="y" * 2000), "").json["description"] == (
        "y" * 2000
    )


async def test_a_too_long_title_is_phares_to_refuse(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcome = await phare_client.open_incident(Opening("t" * 251), "")

    said = "The title field must not be greater than 250 characters."
    assert outcome == Refused(422, said, {"title": (said,)})
    assert phare_fake.requests[0].json["title"] == "t" * 251
    assert [i["id"] for i in phare_fake.incidents()] == [42]


async def test_a_place_is_refused_since_phares_project_comes_from_the_headers(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcome = await phare_client.open_incident(OPENING, "status-page")

    assert isinstance(outcome, Refused)
    assert outcome.status is None
    assert "'status-page'" in outcome.message
    with pytest.raises(ValueError, match="project of its headers"):
        phare_client.prepare_open(OPENING, "status-page")
    assert phare_fake.requests == []


async def test_a_wrong_api_url_is_refused_as_not_found(
    http: httpx.AsyncClient, phare_server: LoopbackServer
) -> None:
    client = PhareClient(http, phare_settings(phare_server.url + "/v2"))

    outcome = await client.open_incident(OPENING, "")

    assert outcome == Refused(
        404,
        "the incident list was not found at Phare. "
        "It said: “The route v2/uptime/incidents could not be found.”",
    )


async def test_an_unreadable_2xx_is_unclear_and_phare_holds_the_incident(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    phare_fake.script_to("open", Reply.apply_then_answer(201, '{"title": "Checkout is down"}'))

    outcome = await phare_client.open_incident(OPENING, "")

    assert outcome == Unclear(
        'Phare answered HTTP 201 but the created incident could not be read ({"title": '
        '"Checkout is down"})'
    )
    assert [i["title"] for i in phare_fake.incidents()] == ["Incident 42", "Checkout is down"]


async def test_an_answer_held_after_the_creation_is_unclear(
    phare_fake: PhareFake, phare_server: LoopbackServer
) -> None:
    phare_fake.script_to("open", Reply.apply_then_hang())
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, read=0.3)) as http:
        outcome = await PhareClient(http, phare_settings(phare_server.url)).open_incident(
            OPENING, ""
        )

    assert outcome == Unclear("Phare did not answer in time after receiving the request")
    assert [i["title"] for i in phare_fake.incidents()] == ["Incident 42", "Checkout is down"]
