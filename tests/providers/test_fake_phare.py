"""The Phare fake answers exactly what Phare documents and rejects what Phare rejects."""

from typing import Any

import httpx
import pytest

from tests.fakes.fixtures import PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply
from tests.providers.documented import (
    PHARE_CREATOR,
    PHARE_INCIDENT_FIELDS,
    PHARE_INCIDENT_REQUIRED,
    PHARE_LINKS,
    PHARE_META,
    PHARE_PAGE,
    PHARE_UPDATE,
)

AUTH = {"Authorization": f"Bearer {PHARE_TOKEN}"}
GOOD = {"state": "investigating", "content": "Looking."}
UPDATES = "/uptime/incidents/42/updates"


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "said"),
    [
        (UPDATES, {}, GOOD, 401, "Unauthorized"),
        (UPDATES, {"Authorization": "Bearer no"}, GOOD, 401, None),
        (
            UPDATES,
            {**AUTH, "X-Phare-Project-Id": "abc"},
            GOOD,
            422,
            "The X-Phare-Project-Id header must be an integer.",
        ),
        ("/uptime/incidents/abc/updates", AUTH, GOOD, 404, None),
        ("/uptime/incidents/43/updates", AUTH, GOOD, 404, "Resource not found"),
        (UPDATES, AUTH, {"content": "x"}, 422, "The state field is required."),
        (
            UPDATES,
            AUTH,
            {"state": "Investigating", "content": "x"},
            422,
            "The selected state is invalid.",
        ),
        (
            UPDATES,
            AUTH,
            {"state": "resolved", "content": "   "},
            422,
            "The content field is required.",
        ),
        (
            UPDATES,
            AUTH,
            {"state": "resolved", "content": "x" * 10_001},
            422,
            "The content field must not be greater than 10000 characters.",
        ),
        (
            UPDATES,
            AUTH,
            {**GOOD, "published_at": "tomorrow"},
            422,
            "The published at field must be a valid date.",
        ),
        (UPDATES, AUTH, GOOD, 201, None),
    ],
)
async def test_create_is_checked_like_phare(
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


async def test_a_body_that_is_not_json_has_no_fields(
    raw: httpx.AsyncClient, phare_url: str
) -> None:
    response = await raw.post(
        phare_url + UPDATES, headers={**AUTH, "Content-Type": "application/json"}, content=b"{"
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"state", "content"}


async def test_created_update_has_the_documented_fields_only(
    raw: httpx.AsyncClient, phare_url: str
) -> None:
    response = await raw.post(phare_url + UPDATES, headers=AUTH, json=GOOD)

    created = response.json()
    assert response.status_code == 201
    assert set(created) == PHARE_UPDATE
    assert set(created["creator"]) == PHARE_CREATOR
    assert isinstance(created["id"], int)


async def test_a_page_has_the_documented_fields_only(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.add_updates(42, [str(n) for n in range(5)])

    response = await raw.get(phare_url + UPDATES, params={"page": 2, "per_page": 2}, headers=AUTH)

    page = response.json()
    assert set(page) == PHARE_PAGE
    assert set(page["meta"]) == PHARE_META
    assert set(page["links"]) == PHARE_LINKS
    assert all(set(item) == PHARE_UPDATE for item in page["data"])
    assert [u["content"] for u in page["data"]] == ["2", "1"]
    path = phare_url + UPDATES
    assert page["meta"] == {"current_page": 2, "from": 3, "to": 4, "per_page": 2, "path": path}
    assert page["links"] == {
        "first": f"{path}?page=1",
        "last": None,
        "prev": f"{path}?page=1",
        "next": f"{path}?page=3",
    }


async def test_following_next_reads_every_update_once_and_ends_with_null(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.add_updates(42, [str(n) for n in range(45)])
    url: str | None = phare_url + UPDATES
    contents: list[str] = []
    pages = 0
    while url is not None:
        page = (await raw.get(url, headers=AUTH)).json()
        contents += [u["content"] for u in page["data"]]
        url = page["links"]["next"]
        pages += 1

    assert contents == [str(n) for n in reversed(range(45))]
    assert pages == 3  # 20 a page unless asked otherwise


async def test_an_incident_without_updates_is_one_empty_page(
    raw: httpx.AsyncClient, phare_url: str
) -> None:
    page = (await raw.get(phare_url + UPDATES, headers=AUTH)).json()

    assert page["data"] == []
    assert (page["meta"]["from"], page["meta"]["to"], page["links"]["next"]) == (None, None, None)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"per_page": "101"}, {"per_page": ["The per page field must not be greater than 100."]}),
        ({"per_page": "0"}, {"per_page": ["The per page field must be at least 1."]}),
        ({"per_page": "ten"}, {"per_page": ["The per page field must be an integer."]}),
        ({"page": "0"}, {"page": ["The page field must be at least 1."]}),
        ({"page": "2.5"}, {"page": ["The page field must be an integer."]}),
    ],
)
async def test_page_parameters_are_checked(
    raw: httpx.AsyncClient, phare_url: str, query: dict[str, str], errors: dict[str, list[str]]
) -> None:
    response = await raw.get(phare_url + UPDATES, params=query, headers=AUTH)

    assert response.status_code == 422
    assert response.json()["errors"] == errors


async def test_the_incident_list_has_the_documented_fields(
    raw: httpx.AsyncClient, phare_url: str
) -> None:
    every = await raw.get(phare_url + "/uptime/incidents", params={"per_page": 1}, headers=AUTH)
    bad = await raw.get(phare_url + "/uptime/incidents", params={"monitor_id": "x"}, headers=AUTH)

    (incident,) = every.json()["data"]
    assert set(every.json()) == PHARE_PAGE
    assert PHARE_INCIDENT_REQUIRED <= set(incident) <= PHARE_INCIDENT_FIELDS
    assert bad.status_code == 422


async def test_org_key_needs_a_project_header(raw: httpx.AsyncClient) -> None:
    fake = PhareFake(token=PHARE_TOKEN, incidents={42}, project_id=7)
    with LoopbackServer(fake.app) as server:
        url = server.url + UPDATES
        without = await raw.post(url, headers=AUTH, json=GOOD)
        with_id = await raw.post(url, headers={**AUTH, "X-Phare-Project-Id": "7"}, json=GOOD)

    assert without.status_code == 403
    assert with_id.status_code == 201


async def test_apply_then_answer_stores_then_answers_as_scripted(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.script(Reply.apply_then_answer(201, "<html>cut"))

    response = await raw.post(phare_url + UPDATES, headers=AUTH, json=GOOD)

    assert (response.status_code, response.text) == (201, "<html>cut")
    assert [u["content"] for u in phare_fake.applied(42)] == ["Looking."]


async def test_apply_then_hang_stores_and_never_answers(
    phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.script(Reply.apply_then_hang())
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(phare_url + UPDATES, headers=AUTH, json=GOOD)

    assert [u["content"] for u in phare_fake.applied(42)] == ["Looking."]


async def test_an_invalid_create_is_refused_even_when_applying_is_scripted(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.script(Reply.apply_then_drop())

    response = await raw.post(phare_url + UPDATES, headers=AUTH, json={"state": "nope"})

    assert response.status_code == 422
    assert phare_fake.applied(42) == []


async def test_requests_are_recorded_and_can_be_awaited(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    await raw.post(phare_url + UPDATES + "?x=1", headers=AUTH, json=GOOD)

    (request,) = await phare_fake.wait_for_requests(1, within=2)
    assert (request.method, request.path, request.query) == ("POST", UPDATES, {"x": "1"})
    assert request.json == GOOD
    assert request.at > 0
