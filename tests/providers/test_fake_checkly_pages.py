"""The Checkly fake's status pages (v3) answer as documented and refuse what Checkly refuses."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.fakes.checkly import ChecklyFake
from tests.fakes.checkly_pages import PREDATES_INCIDENT
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_KEY, CHECKLY_PAGE, CHECKLY_PAGE_INCIDENT
from tests.providers.documented import (
    CHECKLY_ERROR,
    CHECKLY_PAGE_UPDATE,
    CHECKLY_STATUS_PAGE_FIELDS,
    CHECKLY_STATUS_PAGE_REQUIRED,
)

AUTH = {"Authorization": f"Bearer {CHECKLY_KEY}", "x-checkly-account": CHECKLY_ACCOUNT}
_, _, INCIDENT = CHECKLY_PAGE_INCIDENT.partition("/")
UPDATES = f"/v3/status-pages/{CHECKLY_PAGE}/incidents/{INCIDENT}/incident-updates"
GOOD = {"status": "MONITORING", "description": "Watching."}
UNKNOWN = "11111111-2222-4333-8444-555555555555"
STATUSES = '"status" must be one of [INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED]'
EARLY = "2020-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("path", "body", "status", "said"),
    [
        (UPDATES, {**GOOD, "status": "MAINTENANCE"}, 400, STATUSES),
        (UPDATES, {**GOOD, "status": "monitoring"}, 400, STATUSES),
        (UPDATES, {"status": "RESOLVED"}, 400, '"description" is required'),
        (UPDATES, {**GOOD, "description": ""}, 400, '"description" is not allowed to be empty'),
        (UPDATES, {**GOOD, "published_at": EARLY}, 400, '"published_at" is not allowed'),
        (
            UPDATES,
            {**GOOD, "publicIncidentUpdateDate": "2026-11-22 10:30"},
            400,
            '"publicIncidentUpdateDate" must be in ISO 8601 date format',
        ),
        (UPDATES, {**GOOD, "publicIncidentUpdateDate": EARLY}, 400, PREDATES_INCIDENT),
        (
            UPDATES,
            {**GOOD, "notifySubscribers": "true"},
            400,
            '"notifySubscribers" must be a boolean',
        ),
        (UPDATES.replace(INCIDENT, "42"), GOOD, 400, '"incidentId" must be a valid GUID'),
        (
            UPDATES.replace(INCIDENT, f"--{INCIDENT.replace('-', '')}--"),
            GOOD,
            400,
            '"incidentId" must be a valid GUID',
        ),
        (UPDATES.replace(CHECKLY_PAGE, "x"), GOOD, 400, '"statusPageId" must be a valid GUID'),
        (UPDATES.replace(INCIDENT, UNKNOWN), GOOD, 404, "Not Found"),
        (UPDATES.replace(CHECKLY_PAGE, UNKNOWN), GOOD, 404, "Not Found"),
    ],
)
async def test_an_update_is_checked_against_the_document(
    raw: httpx.AsyncClient,
    checkly_url: str,
    checkly_fake: ChecklyFake,
    path: str,
    body: dict[str, Any],
    status: int,
    said: str,
) -> None:
    response = await raw.post(checkly_url + path, headers=AUTH, json=body)

    assert response.status_code == status
    error = response.json()
    assert set(error) == CHECKLY_ERROR
    assert (error["statusCode"], error["message"]) == (status, said)
    assert checkly_fake.applied(CHECKLY_PAGE_INCIDENT) == []


async def test_a_created_update_is_the_documented_object(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    when = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    body = {**GOOD, "publicIncidentUpdateDate": when, "notifySubscribers": True}

    response = await raw.post(checkly_url + UPDATES, headers=AUTH, json=body)

    assert response.status_code == 201
    created = response.json()
    assert set(created) == CHECKLY_PAGE_UPDATE
    assert (created["publicIncidentUpdateDate"], created["notifySubscribers"]) == (when, True)
    assert checkly_fake.applied(CHECKLY_PAGE_INCIDENT) == [created]


async def test_the_list_is_a_bare_array_newest_first_at_most_100(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, [f"n{n}" for n in range(105)])

    response = await raw.get(checkly_url + UPDATES, headers=AUTH)
    refused = await raw.get(checkly_url + UPDATES, headers=AUTH, params={"limit": "5"})

    listed = response.json()
    assert [u["description"] for u in listed] == [f"n{n}" for n in range(104, 4, -1)]
    assert all(set(u) == CHECKLY_PAGE_UPDATE for u in listed)
    assert (refused.status_code, refused.json()["message"]) == (400, '"limit" is not allowed')


async def test_the_status_page_has_the_documented_fields(
    raw: httpx.AsyncClient, checkly_url: str
) -> None:
    found = await raw.get(f"{checkly_url}/v3/status-pages/{CHECKLY_PAGE}", headers=AUTH)
    missing = await raw.get(f"{checkly_url}/v3/status-pages/{UNKNOWN}", headers=AUTH)
    unauthorized = await raw.get(f"{checkly_url}/v3/status-pages/{CHECKLY_PAGE}")

    page = found.json()
    assert CHECKLY_STATUS_PAGE_REQUIRED <= set(page) <= CHECKLY_STATUS_PAGE_FIELDS
    assert (page["id"], page["accountId"], page["version"]) == (CHECKLY_PAGE, CHECKLY_ACCOUNT, 3)
    assert (missing.status_code, unauthorized.status_code) == (404, 401)
