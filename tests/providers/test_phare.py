"""PhareClient against the Phare fake: the exact request, and Phare's own refusals."""

from datetime import datetime, timedelta, timezone

import httpx
from pydantic import SecretStr

from bot.domain.models import Accepted, Refused, Update
from bot.domain.states import State
from bot.providers.phare import PhareClient
from tests.fakes.fixtures import PHARE_TOKEN, phare_settings
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer

CET = timezone(timedelta(hours=1))


async def test_the_request_matches_phares_spec(http: httpx.AsyncClient) -> None:
    fake = PhareFake(token=PHARE_TOKEN, incidents={42}, project_id=7, project_slug="shop")
    update = Update(State.MONITORING, "Watching.", datetime(2026, 11, 22, 10, 30, tzinfo=CET))
    with LoopbackServer(fake.app) as server:
        client = PhareClient(http, phare_settings(server.url, project_id=7, project_slug="shop"))
        outcome = await client.send(update, "42")

    assert isinstance(outcome, Accepted)
    (request,) = fake.requests
    assert (request.method, request.raw_path) == ("POST", "/uptime/incidents/42/updates")
    assert request.headers["authorization"] == f"Bearer {PHARE_TOKEN}"
    assert request.headers["x-phare-project-id"] == "7"
    assert request.headers["x-phare-project-slug"] == "shop"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "state": "monitoring",
        "content": "Watching.",
        "published_at": "2026-11-22T10:30:00+01:00",
    }


async def test_no_project_headers_or_publish_time_unless_given(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcome = await phare_client.send(Update(State.RESOLVED, "All clear."), "42")

    assert isinstance(outcome, Accepted)
    (request,) = phare_fake.requests
    assert "x-phare-project-id" not in request.headers
    assert "x-phare-project-slug" not in request.headers
    assert request.json == {"state": "resolved", "content": "All clear."}


async def test_phares_own_validation_reaches_the_user(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcome = await phare_client.send(Update(State.MONITORING, "x" * 10_001), "42")

    assert outcome == Refused(
        422,
        "The content field must not be greater than 10000 characters.",
        {"content": ("The content field must not be greater than 10000 characters.",)},
    )
    assert phare_fake.applied(42) == []


async def test_a_wrong_token_is_refused_401(
    http: httpx.AsyncClient, phare_server: LoopbackServer
) -> None:
    client = PhareClient(
        http, phare_settings(phare_server.url).model_copy(update={"api_token": SecretStr("wrong")})
    )

    outcome = await client.send(Update(State.MONITORING, "x"), "42")

    assert isinstance(outcome, Refused)
    assert outcome.status == 401
    assert "check PHARE_API_TOKEN" in outcome.message
    assert "Unauthorized" in outcome.message
