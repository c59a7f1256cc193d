"""The Phare fake's incident routes answer what Phare documents and refuse what Phare refuses."""

from typing import Any

import httpx
import pytest

from tests.fakes.fixtures import PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.vendor import Reply
from tests.providers import documented

AUTH = {"Authorization": f"Bearer {PHARE_TOKEN}"}
OPEN = {"title": "Checkout is down", "impact": "major_outage", "exclude_from_downtime": False}
INCIDENTS = "/uptime/incidents"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"title", "exclude_from_downtime", "impact"}),
        ({**OPEN, "title": "   "}, {"title"}),
        ({**OPEN, "title": "t" * 251}, {"title"}),
        ({**OPEN, "title": 5}, {"title"}),
        ({**OPEN, "impact": "operational"}, {"impact"}),
        ({**OPEN, "impact": "Major_outage"}, {"impact"}),
        ({**OPEN, "exclude_from_downtime": "no"}, {"exclude_from_downtime"}),
        ({**OPEN, "description": "d" * 2001}, {"description"}),
        ({**OPEN, "description": ""}, {"description"}),
        ({**OPEN, "monitors": []}, {"monitors"}),
        ({**OPEN, "monitors": 3}, {"monitors"}),
        ({**OPEN, "monitors": list(range(1, 102))}, {"monitors"}),
        ({**OPEN, "monitors": [1, "two", True]}, {"monitors.1", "monitors.2"}),
        ({**OPEN, "incident_at": "yesterday"}, {"incident_at"}),
        ({**OPEN, "notify": True}, {"notify"}),
    ],
)
async def test_an_incident_body_phare_would_refuse_is_refused_with_field_errors(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake, body: Any, errors: set[str]
) -> None:
    response = await raw.post(phare_url + INCIDENTS, headers=AUTH, json=body)

    assert response.status_code == 422
    assert set(response.json()) == {"message", "errors"}
    assert set(response.json()["errors"]) == errors
    assert [i["id"] for i in phare_fake.incidents()] == [42]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({}, "The title field is required. (and 2 more errors)"),
        ({**OPEN, "title": "t" * 251}, "The title field must not be greater than 250 characters."),
        ({**OPEN, "impact": "operational"}, "The selected impact is invalid."),
        (
            {**OPEN, "exclude_from_downtime": "no"},
            "The exclude from downtime field must be true or false.",
        ),
        ({**OPEN, "monitors": []}, "The monitors field must have at least 1 items."),
        ({**OPEN, "monitors": ["x"]}, "The monitors.0 field must be an integer."),
        ({**OPEN, "notify": True}, "The notify field is prohibited."),
    ],
)
async def test_refusals_are_worded_as_phare_words_them(
    raw: httpx.AsyncClient, phare_url: str, body: Any, said: str
) -> None:
    response = await raw.post(phare_url + INCIDENTS, headers=AUTH, json=body)

    assert response.json()["message"] == said


async def test_a_created_incident_has_the_documented_fields_and_is_listed(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    body = {**OPEN, "description": "Payments fail.", "monitors": [4], "incident_at": None}
    created = await raw.post(phare_url + INCIDENTS, headers=AUTH, json=body)
    listed = await raw.get(phare_url + INCIDENTS, headers=AUTH)

    incident = created.json()
    assert created.status_code == 201
    assert documented.PHARE_INCIDENT_REQUIRED <= set(incident) <= documented.PHARE_INCIDENT_FIELDS
    assert (incident["title"], incident["monitors"], incident["status"]) == (
        "Checkout is down",
        [4],
        "ongoing",
    )
    assert listed.json()["data"][0] == incident
    assert phare_fake.incident(incident["id"]) == incident


async def test_the_incident_list_pages_without_total_or_last_page(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    for n in range(4):
        phare_fake.add_incident(100 + n)

    response = await raw.get(phare_url + INCIDENTS, params={"per_page": 2, "page": 2}, headers=AUTH)

    page = response.json()
    assert set(page) == documented.PHARE_PAGE
    assert set(page["meta"]) == documented.PHARE_META
    assert set(page["links"]) == documented.PHARE_LINKS
    assert page["links"]["last"] is None
    assert page["links"]["next"] == f"{phare_url}{INCIDENTS}?page=3"
    assert len(page["data"]) == 2


async def test_recovering_answers_204_without_a_body_again_and_again(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    first = await raw.post(f"{phare_url}{INCIDENTS}/42/recover", headers=AUTH)
    again = await raw.post(f"{phare_url}{INCIDENTS}/42/recover", headers=AUTH)
    shown = await raw.get(f"{phare_url}{INCIDENTS}/42", headers=AUTH)

    assert (first.status_code, first.content, again.status_code) == (204, b"", 204)
    assert shown.json()["status"] == "recovered"
    assert shown.json()["recovery_at"] is not None


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/uptime/incidents/43/recover", 404),
        ("GET", "/uptime/incidents/43", 404),
        ("POST", "/uptime/incidents/x/recover", 404),
        ("POST", "/uptime/incidents/42/updates/999", 404),
        ("DELETE", "/uptime/incidents/42/updates/999", 404),
        ("DELETE", "/uptime/incidents/42/updates/abc", 404),
        ("POST", "/uptime/incidents/42/recover", 401),
    ],
)
async def test_unknown_incidents_and_updates_and_a_wrong_token_are_refused(
    raw: httpx.AsyncClient, phare_url: str, method: str, path: str, status: int
) -> None:
    headers = AUTH if status != 401 else {"Authorization": "Bearer wrong"}

    response = await raw.request(method, phare_url + path, headers=headers, json={})

    assert response.status_code == status
    assert set(response.json()) == {"message"}


async def test_an_update_of_another_incident_is_not_found(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.add_incident(43)
    (other,) = phare_fake.add_updates(43, ["elsewhere"])

    response = await raw.delete(f"{phare_url}{INCIDENTS}/42/updates/{other['id']}", headers=AUTH)

    assert (response.status_code, response.json()) == (404, {"message": "Resource not found"})
    assert len(phare_fake.applied(43)) == 1


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"state": "Resolved"}, {"state"}),
        ({"content": "x" * 10_001}, {"content"}),
        ({"content": "  "}, {"content"}),
        ({"published_at": "soon"}, {"published_at"}),
        ({"status": "resolved"}, {"status"}),
    ],
)
async def test_an_edit_phare_would_refuse_is_refused_and_changes_nothing(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake, body: Any, errors: set[str]
) -> None:
    (stored,) = phare_fake.add_updates(42, ["Looking."])

    response = await raw.post(
        f"{phare_url}{INCIDENTS}/42/updates/{stored['id']}", headers=AUTH, json=body
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == errors
    assert phare_fake.applied(42) == [stored]


async def test_an_edit_answers_the_update_and_a_deletion_204(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    (stored,) = phare_fake.add_updates(42, ["Looking."])
    url = f"{phare_url}{INCIDENTS}/42/updates/{stored['id']}"

    edited = await raw.post(url, headers=AUTH, json={"content": "Found it."})
    deleted = await raw.delete(url, headers=AUTH)

    assert edited.status_code == 200
    assert set(edited.json()) == documented.PHARE_UPDATE
    assert (edited.json()["content"], edited.json()["state"]) == ("Found it.", "investigating")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert phare_fake.applied(42) == []


async def test_an_open_held_after_creation_keeps_the_incident(
    phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.script_to("open", Reply.apply_then_hang())
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(phare_url + INCIDENTS, headers=AUTH, json=OPEN)

    assert [i["title"] for i in phare_fake.incidents()] == ["Incident 42", "Checkout is down"]


async def test_an_invalid_open_is_refused_even_when_applying_is_scripted(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    phare_fake.script_to("open", Reply.apply_then_drop())

    response = await raw.post(phare_url + INCIDENTS, headers=AUTH, json={"title": "x"})

    assert response.status_code == 422
    assert len(phare_fake.incidents()) == 1


def test_only_the_fakes_routes_can_be_scripted(phare_fake: PhareFake) -> None:
    with pytest.raises(ValueError, match="no route 'recovery'"):
        phare_fake.script_to("recovery", Reply.hang())


async def test_an_update_create_with_a_field_phare_lacks_is_refused(
    raw: httpx.AsyncClient, phare_url: str, phare_fake: PhareFake
) -> None:
    body = {"state": "resolved", "content": "Fixed.", "notify_subscribers": True}

    response = await raw.post(f"{phare_url}{INCIDENTS}/42/updates", headers=AUTH, json=body)

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "notify_subscribers": ["The notify subscribers field is prohibited."]
    }
    assert phare_fake.applied(42) == []
