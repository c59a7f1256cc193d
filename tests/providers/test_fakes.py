"""The fakes reject what the vendors reject, so client tests against them mean something."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_INCIDENT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer

PHARE_AUTH = {"Authorization": f"Bearer {PHARE_TOKEN}"}
CHECKLY_AUTH = {"Authorization": f"Bearer {CHECKLY_KEY}", "x-checkly-account": CHECKLY_ACCOUNT}
GOOD_PHARE = {"state": "investigating", "content": "Looking."}
GOOD_CHECKLY = {"status": "INVESTIGATING", "description": "Looking."}


@pytest.fixture
def phare_url(phare_fake: PhareFake) -> Iterator[str]:
    """The Phare fake's base URL."""
    with LoopbackServer(phare_fake.app) as server:
        yield server.url


@pytest.fixture
def checkly_url(checkly_fake: ChecklyFake) -> Iterator[str]:
    """The Checkly fake's base URL."""
    with LoopbackServer(checkly_fake.app) as server:
        yield server.url


@pytest.fixture
async def raw() -> AsyncIterator[httpx.AsyncClient]:
    """A plain client for hand-made requests."""
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "said"),
    [
        ("/uptime/incidents/42/updates", {}, GOOD_PHARE, 401, "Unauthorized"),
        ("/uptime/incidents/42/updates", {"Authorization": "Bearer no"}, GOOD_PHARE, 401, None),
        (
            "/uptime/incidents/42/updates",
            {**PHARE_AUTH, "X-Phare-Project-Id": "abc"},
            GOOD_PHARE,
            422,
            "The X-Phare-Project-Id header must be an integer.",
        ),
        ("/uptime/incidents/abc/updates", PHARE_AUTH, GOOD_PHARE, 404, None),
        ("/uptime/incidents/43/updates", PHARE_AUTH, GOOD_PHARE, 404, "Incident not found."),
        (
            "/uptime/incidents/42/updates",
            PHARE_AUTH,
            {"content": "x"},
            422,
            "The state field is required.",
        ),
        (
            "/uptime/incidents/42/updates",
            PHARE_AUTH,
            {"state": "Investigating", "content": "x"},
            422,
            "The selected state is invalid.",
        ),
        (
            "/uptime/incidents/42/updates",
            PHARE_AUTH,
            {"state": "resolved", "content": "   "},
            422,
            "The content field is required.",
        ),
        (
            "/uptime/incidents/42/updates",
            PHARE_AUTH,
            {**GOOD_PHARE, "published_at": "tomorrow"},
            422,
            "The published at field must be a valid date.",
        ),
        ("/uptime/incidents/42/updates", PHARE_AUTH, GOOD_PHARE, 201, None),
    ],
)
async def test_phare_fake_checks_like_phare(
    raw: httpx.AsyncClient,
    phare_url: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, Any],
    status: int,
    said: str | None,
) -> None:
    response = await raw.post(phare_url + path, headers=headers, json=body)

    assert response.status_code == status
    if said is not None:
        assert response.json()["message"] == said


async def test_phare_fake_lists_with_laravel_pagination(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.add_updates(42, [str(n) for n in range(5)])

    response = await raw.get(
        phare_url + "/uptime/incidents/42/updates",
        params={"page": 2, "per_page": 2},
        headers=PHARE_AUTH,
    )

    page = response.json()
    assert [u["content"] for u in page["data"]] == ["2", "1"]
    assert {k: page["meta"][k] for k in ("current_page", "last_page", "per_page", "total")} == {
        "current_page": 2,
        "last_page": 3,
        "per_page": 2,
        "total": 5,
    }


async def test_phare_fake_org_key_needs_a_project_header(raw: httpx.AsyncClient) -> None:
    fake = PhareFake(token=PHARE_TOKEN, incidents={42}, project_id=7)
    with LoopbackServer(fake.app) as server:
        url = server.url + "/uptime/incidents/42/updates"
        without = await raw.post(url, headers=PHARE_AUTH, json=GOOD_PHARE)
        with_id = await raw.post(
            url, headers={**PHARE_AUTH, "X-Phare-Project-Id": "7"}, json=GOOD_PHARE
        )

    assert without.status_code == 403
    assert with_id.status_code == 201


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "said"),
    [
        (f"/v1/incidents/{CHECKLY_INCIDENT}/updates", {}, GOOD_CHECKLY, 401, "Bad Token"),
        (
            f"/v1/incidents/{CHECKLY_INCIDENT}/updates",
            {"Authorization": f"Bearer {CHECKLY_KEY}"},
            GOOD_CHECKLY,
            401,
            "Missing x-checkly-account header",
        ),
        ("/v1/incidents/42/updates", CHECKLY_AUTH, GOOD_CHECKLY, 404, "Not Found"),
        (
            "/v1/incidents/11111111-2222-4333-8444-555555555555/updates",
            CHECKLY_AUTH,
            GOOD_CHECKLY,
            404,
            "Not Found",
        ),
        (
            f"/v1/incidents/{CHECKLY_INCIDENT}/updates",
            CHECKLY_AUTH,
            {"status": "investigating", "description": "x"},
            400,
            '"status" must be one of '
            "[INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED, MAINTENANCE]",
        ),
        (
            f"/v1/incidents/{CHECKLY_INCIDENT}/updates",
            CHECKLY_AUTH,
            {"status": "RESOLVED"},
            400,
            '"description" is required',
        ),
        (
            f"/v1/incidents/{CHECKLY_INCIDENT}/updates",
            CHECKLY_AUTH,
            {**GOOD_CHECKLY, "published_at": "2026-01-01T00:00:00Z"},
            400,
            '"published_at" is not allowed',
        ),
        (f"/v1/incidents/{CHECKLY_INCIDENT}/updates", CHECKLY_AUTH, GOOD_CHECKLY, 200, None),
    ],
)
async def test_checkly_fake_checks_like_checkly(
    raw: httpx.AsyncClient,
    checkly_url: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, Any],
    status: int,
    said: str | None,
) -> None:
    response = await raw.post(checkly_url + path, headers=headers, json=body)

    assert response.status_code == status
    if said is not None:
        error = response.json()
        assert (error["statusCode"], error["message"]) == (status, said)


async def test_checkly_fake_lists_only_the_newest_unless_asked_for_all(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.add_updates(CHECKLY_INCIDENT, ["a", "b"])
    url = f"{checkly_url}/v1/incidents/{CHECKLY_INCIDENT}"

    newest = await raw.get(url, headers=CHECKLY_AUTH)
    every = await raw.get(url, params={"includeAllIncidentUpdates": "true"}, headers=CHECKLY_AUTH)

    assert [u["description"] for u in newest.json()["incidentUpdates"]] == ["b"]
    assert [u["description"] for u in every.json()["incidentUpdates"]] == ["b", "a"]


async def test_fakes_record_requests_and_wait_for_them(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    await raw.post(
        phare_url + "/uptime/incidents/42/updates?x=1", headers=PHARE_AUTH, json=GOOD_PHARE
    )

    (request,) = await phare_fake.wait_for_requests(1, within=2)
    assert (request.method, request.path, request.query) == (
        "POST",
        "/uptime/incidents/42/updates",
        {"x": "1"},
    )
    assert request.json == GOOD_PHARE
    assert request.at > 0
