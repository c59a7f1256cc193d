"""The Checkly fake answers exactly what Checkly documents and rejects what Checkly rejects."""

from typing import Any

import httpx
import pytest

from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_INCIDENT, CHECKLY_KEY
from tests.fakes.vendor import Reply
from tests.providers.documented import (
    CHECKLY_CREATED_UPDATE,
    CHECKLY_ERROR,
    CHECKLY_INCIDENT_FIELDS,
    CHECKLY_INCIDENT_REQUIRED,
    CHECKLY_LISTED_UPDATE,
)

AUTH = {"Authorization": f"Bearer {CHECKLY_KEY}", "x-checkly-account": CHECKLY_ACCOUNT}
GOOD = {"status": "INVESTIGATING", "description": "Looking."}
UPDATES = f"/v1/incidents/{CHECKLY_INCIDENT}/updates"
INCIDENT = f"/v1/incidents/{CHECKLY_INCIDENT}"
UNKNOWN = "11111111-2222-4333-8444-555555555555"


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "said"),
    [
        (UPDATES, {}, GOOD, 401, "Bad Token"),
        (
            UPDATES,
            {"Authorization": f"Bearer {CHECKLY_KEY}"},
            GOOD,
            401,
            "Missing x-checkly-account header",
        ),
        ("/v1/incidents/42/updates", AUTH, GOOD, 400, '"incidentId" must be a valid GUID'),
        (f"/v1/incidents/{UNKNOWN}/updates", AUTH, GOOD, 404, "Not Found"),
        (
            UPDATES,
            AUTH,
            {"status": "investigating", "description": "x"},
            400,
            '"status" must be one of '
            "[INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED, MAINTENANCE]",
        ),
        (UPDATES, AUTH, {"status": "RESOLVED"}, 400, '"description" is required'),
        (
            UPDATES,
            AUTH,
            {**GOOD, "published_at": "2026-01-01T00:00:00Z"},
            400,
            '"published_at" is not allowed',
        ),
        (UPDATES, AUTH, GOOD, 200, None),
    ],
)
async def test_create_is_checked_like_checkly(
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
        assert set(error) == CHECKLY_ERROR
        assert (error["statusCode"], error["message"]) == (status, said)


async def test_a_body_that_is_not_json_is_a_bad_request(
    raw: httpx.AsyncClient, checkly_url: str
) -> None:
    response = await raw.post(
        checkly_url + UPDATES, headers={**AUTH, "Content-Type": "application/json"}, content=b"{"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Invalid request payload JSON format"


@pytest.mark.parametrize(
    ("shape", "status", "fields"),
    [("list", 200, CHECKLY_LISTED_UPDATE), ("object", 201, CHECKLY_CREATED_UPDATE)],
)
async def test_both_documented_success_shapes(
    raw: httpx.AsyncClient,
    checkly_url: str,
    checkly_fake: ChecklyFake,
    shape: str,
    status: int,
    fields: frozenset[str],
) -> None:
    checkly_fake.script(Reply.ok(shape=shape))

    response = await raw.post(checkly_url + UPDATES, headers=AUTH, json=GOOD)

    assert response.status_code == status
    body = response.json()
    items = body if shape == "list" else [body]
    assert all(set(item) == fields for item in items)
    assert items[-1]["id"] == checkly_fake.applied(CHECKLY_INCIDENT)[-1]["id"]
    if shape == "object":
        assert body["incidentId"] == CHECKLY_INCIDENT


async def test_the_incident_has_the_documented_fields_and_every_update_only_when_asked(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.add_updates(CHECKLY_INCIDENT, ["a", "b"])

    newest = (await raw.get(checkly_url + INCIDENT, headers=AUTH)).json()
    every = (
        await raw.get(
            checkly_url + INCIDENT, params={"includeAllIncidentUpdates": "true"}, headers=AUTH
        )
    ).json()

    assert CHECKLY_INCIDENT_REQUIRED <= set(every) <= CHECKLY_INCIDENT_FIELDS
    assert all(set(u) == CHECKLY_LISTED_UPDATE for u in every["incidentUpdates"])
    assert [u["description"] for u in newest["incidentUpdates"]] == ["b"]
    assert [u["description"] for u in every["incidentUpdates"]] == ["b", "a"]


@pytest.mark.parametrize(
    ("path", "query", "status", "said"),
    [
        (
            INCIDENT,
            {"includeAllIncidentUpdates": "yes"},
            400,
            '"includeAllIncidentUpdates" must be a boolean',
        ),
        (INCIDENT, {"includeAll": "true"}, 400, '"includeAll" is not allowed'),
        ("/v1/incidents/not-a-guid", {}, 400, '"id" must be a valid GUID'),
        (f"/v1/incidents/{UNKNOWN}", {}, 404, "Not Found"),
    ],
)
async def test_reading_an_incident_is_checked_like_checkly(
    raw: httpx.AsyncClient,
    checkly_url: str,
    path: str,
    query: dict[str, str],
    status: int,
    said: str,
) -> None:
    response = await raw.get(checkly_url + path, params=query, headers=AUTH)

    assert response.status_code == status
    assert response.json() == {
        "statusCode": status,
        "error": "Bad Request" if status == 400 else "Not Found",
        "message": said,
    }


async def test_apply_then_drop_stores_and_closes_without_an_answer(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.script(Reply.apply_then_drop())

    with pytest.raises(httpx.RemoteProtocolError):
        await raw.post(checkly_url + UPDATES, headers=AUTH, json=GOOD)

    assert [u["description"] for u in checkly_fake.applied(CHECKLY_INCIDENT)] == ["Looking."]
