"""The Checkly fake opens, lists, edits and deletes as documented and refuses what Checkly
refuses, in its `{statusCode, error, message}` shape."""

from typing import Any

import httpx
import pytest

from tests.fakes.checkly import ChecklyFake
from tests.fakes.checkly_rules import LAST_UPDATE
from tests.fakes.checkly_v3_rules import UNKNOWN_COMPONENT, UNKNOWN_CURSOR
from tests.fakes.fixtures import (
    CHECKLY_ACCOUNT,
    CHECKLY_INCIDENT,
    CHECKLY_KEY,
    CHECKLY_PAGE,
    CHECKLY_PAGE_INCIDENT,
)
from tests.fakes.vendor import Reply
from tests.providers.documented import (
    CHECKLY_COMPONENT,
    CHECKLY_COMPONENT_IMPACT,
    CHECKLY_ERROR,
    CHECKLY_LISTED_UPDATE,
    CHECKLY_PAGE_INCIDENT_FIELDS,
    CHECKLY_PAGE_INCIDENT_ITEM,
    CHECKLY_PAGE_INCIDENT_ITEM_REQUIRED,
    CHECKLY_PAGE_UPDATE,
    CHECKLY_V3_PAGE,
)

AUTH = {"Authorization": f"Bearer {CHECKLY_KEY}", "x-checkly-account": CHECKLY_ACCOUNT}
INCIDENTS = f"/v3/status-pages/{CHECKLY_PAGE}/incidents"
COMPONENTS = f"/v3/status-pages/{CHECKLY_PAGE}/components"
_, _, INCIDENT = CHECKLY_PAGE_INCIDENT.partition("/")
PAGE_UPDATES = f"{INCIDENTS}/{INCIDENT}/incident-updates"
DASHBOARD_UPDATES = f"/v1/incidents/{CHECKLY_INCIDENT}/updates"
UNKNOWN = "11111111-2222-4333-8444-555555555555"
FIRST = {"status": "INVESTIGATING", "description": "Looking."}
OPENING = {"name": "Checkout is down", "incidentUpdates": [FIRST]}
IMPACTS = "OPERATIONAL, UNDER_MAINTENANCE, DEGRADED_PERFORMANCE, PARTIAL_OUTAGE, MAJOR_OUTAGE"


def _error(response: httpx.Response, status: int) -> str:
    """The message of an error answered in Checkly's shape with that status."""
    assert response.status_code == status
    body = response.json()
    assert set(body) == CHECKLY_ERROR
    assert body["statusCode"] == status
    return str(body["message"])


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ([], '"value" must be of type object'),
        ({**OPENING, "impact": "MAJOR"}, '"impact" is not allowed'),
        ({"incidentUpdates": [FIRST]}, '"name" is required'),
        ({**OPENING, "name": ""}, '"name" is not allowed to be empty'),
        (
            {**OPENING, "name": "x" * 256},
            '"name" length must be less than or equal to 255 characters long',
        ),
        ({"name": "Down"}, '"incidentUpdates" is required'),
        ({**OPENING, "incidentUpdates": []}, '"incidentUpdates" must contain 1 items'),
        ({**OPENING, "incidentUpdates": [FIRST, FIRST]}, '"incidentUpdates" must contain 1 items'),
        (
            {**OPENING, "incidentUpdates": [{**FIRST, "status": "MAINTENANCE"}]},
            '"incidentUpdates[0].status" must be one of '
            "[INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED]",
        ),
        (
            {**OPENING, "incidentUpdates": [{"status": "INVESTIGATING"}]},
            '"incidentUpdates[0].description" is required',
        ),
        (
            {**OPENING, "incidentUpdates": [{**FIRST, "notifySubscribers": "yes"}]},
            '"incidentUpdates[0].notifySubscribers" must be a boolean',
        ),
        (
            {**OPENING, "componentImpacts": [{"componentId": "api", "status": "MAJOR_OUTAGE"}]},
            '"componentImpacts[0].componentId" must be a valid GUID',
        ),
        (
            {**OPENING, "componentImpacts": [{"componentId": UNKNOWN, "status": "DOWN"}]},
            f'"componentImpacts[0].status" must be one of [{IMPACTS}]',
        ),
        (
            {**OPENING, "componentImpacts": [{"componentId": UNKNOWN, "status": "MAJOR_OUTAGE"}]},
            UNKNOWN_COMPONENT.format(id=UNKNOWN),
        ),
    ],
)
async def test_an_opening_is_checked_against_the_document(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake, body: Any, said: str
) -> None:
    response = await raw.post(checkly_url + INCIDENTS, headers=AUTH, json=body)

    assert _error(response, 400) == said
    assert [i["id"] for i in checkly_fake.incidents_on(CHECKLY_PAGE)] == [INCIDENT]


async def test_an_opened_incident_is_the_documented_object(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    (api,) = checkly_fake.add_components(CHECKLY_PAGE, ["API"])
    impacts = [{"componentId": api["id"], "status": "MAJOR_OUTAGE"}]

    response = await raw.post(
        checkly_url + INCIDENTS, headers=AUTH, json={**OPENING, "componentImpacts": impacts}
    )

    assert response.status_code == 201
    opened = response.json()
    assert set(opened) == CHECKLY_PAGE_INCIDENT_FIELDS
    assert (opened["statusPageId"], opened["name"], opened["lastUpdateStatus"]) == (
        CHECKLY_PAGE,
        "Checkout is down",
        "INVESTIGATING",
    )
    assert opened["duration"] is None
    (impact,) = opened["componentImpacts"]
    assert set(impact) == CHECKLY_COMPONENT_IMPACT
    assert (impact["componentId"], impact["status"], impact["endedAt"]) == (
        api["id"],
        "MAJOR_OUTAGE",
        None,
    )
    (first,) = opened["incidentUpdates"]
    assert set(first) == CHECKLY_PAGE_UPDATE
    assert checkly_fake.incidents_on(CHECKLY_PAGE)[0] == opened


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        (INCIDENTS, {}, 401),
        (INCIDENTS, {**AUTH, "x-checkly-account": UNKNOWN}, 403),
        (INCIDENTS.replace(CHECKLY_PAGE, UNKNOWN), AUTH, 404),
        (INCIDENTS.replace(CHECKLY_PAGE, "main"), AUTH, 400),
        (INCIDENTS + "?notify=true", AUTH, 400),
    ],
)
async def test_an_opening_needs_the_account_and_a_known_page(
    raw: httpx.AsyncClient, checkly_url: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = await raw.post(checkly_url + path, headers=headers, json=OPENING)

    _error(response, status)


async def test_a_resolved_update_closes_the_incident_and_a_later_one_reopens_it(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, ["Looking."])
    closing = {"status": "RESOLVED", "description": "Fixed."}

    resolved = await raw.post(checkly_url + PAGE_UPDATES, headers=AUTH, json=closing)
    closed = checkly_fake.is_closed(CHECKLY_PAGE_INCIDENT)
    (listed,) = checkly_fake.incidents_on(CHECKLY_PAGE)
    reopened = await raw.post(checkly_url + PAGE_UPDATES, headers=AUTH, json=FIRST)

    assert (resolved.status_code, closed) == (201, True)
    assert (listed["lastUpdateStatus"], isinstance(listed["duration"], int)) == ("RESOLVED", True)
    assert reopened.status_code == 201
    assert not checkly_fake.is_closed(CHECKLY_PAGE_INCIDENT)


async def test_lists_are_paged_with_limit_and_next_id(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    seeded = checkly_fake.add_components(CHECKLY_PAGE, [f"S{n}" for n in range(25)])

    first = (await raw.get(checkly_url + COMPONENTS, headers=AUTH)).json()
    second = (
        await raw.get(checkly_url + COMPONENTS, headers=AUTH, params={"nextId": first["nextId"]})
    ).json()
    incidents = (await raw.get(checkly_url + INCIDENTS, headers=AUTH, params={"limit": 1})).json()

    assert set(first) == set(second) == CHECKLY_V3_PAGE
    assert (first["length"], first["nextId"]) == (20, seeded[20]["id"])
    assert [c["name"] for c in second["entries"]] == [f"S{n}" for n in range(20, 25)]
    assert (second["length"], second["nextId"]) == (5, None)
    assert all(set(c) == CHECKLY_COMPONENT for c in first["entries"])
    (item,) = incidents["entries"]
    assert CHECKLY_PAGE_INCIDENT_ITEM_REQUIRED <= set(item) <= CHECKLY_PAGE_INCIDENT_ITEM
    assert (item["id"], incidents["nextId"]) == (INCIDENT, None)


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"limit": "0"}, '"limit" must be greater than or equal to 1'),
        ({"limit": "101"}, '"limit" must be less than or equal to 100'),
        ({"limit": "ten"}, '"limit" must be a number'),
        ({"nextId": ""}, '"nextId" is not allowed to be empty'),
        ({"nextId": UNKNOWN}, UNKNOWN_CURSOR),
        ({"page": "2"}, '"page" is not allowed'),
    ],
)
@pytest.mark.parametrize("path", [INCIDENTS, COMPONENTS])
async def test_a_list_query_is_checked_against_the_document(
    raw: httpx.AsyncClient, checkly_url: str, path: str, params: dict[str, str], said: str
) -> None:
    response = await raw.get(checkly_url + path, headers=AUTH, params=params)

    assert _error(response, 400) == said


@pytest.mark.parametrize(
    ("incident", "path", "body", "said"),
    [
        (CHECKLY_INCIDENT, DASHBOARD_UPDATES, {**FIRST}, '"status" is not allowed'),
        (
            CHECKLY_INCIDENT,
            DASHBOARD_UPDATES,
            {"description": ""},
            '"description" is not allowed to be empty',
        ),
        (
            CHECKLY_PAGE_INCIDENT,
            PAGE_UPDATES,
            {**FIRST, "status": "MAINTENANCE"},
            '"status" must be one of [INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED]',
        ),
        (CHECKLY_PAGE_INCIDENT, PAGE_UPDATES, {"description": "x"}, '"status" is required'),
    ],
)
async def test_an_edit_is_checked_against_the_document(
    raw: httpx.AsyncClient,
    checkly_url: str,
    checkly_fake: ChecklyFake,
    incident: str,
    path: str,
    body: dict[str, Any],
    said: str,
) -> None:
    (update,) = checkly_fake.add_updates(incident, ["Looking."])

    response = await raw.put(f"{checkly_url}{path}/{update['id']}", headers=AUTH, json=body)

    assert _error(response, 400) == said
    assert checkly_fake.applied(incident) == [update]


@pytest.mark.parametrize(
    ("incident", "path", "fields"),
    [
        (CHECKLY_INCIDENT, DASHBOARD_UPDATES, CHECKLY_LISTED_UPDATE),
        (CHECKLY_PAGE_INCIDENT, PAGE_UPDATES, CHECKLY_PAGE_UPDATE),
    ],
)
async def test_edits_and_deletions_answer_as_documented(
    raw: httpx.AsyncClient,
    checkly_url: str,
    checkly_fake: ChecklyFake,
    incident: str,
    path: str,
    fields: frozenset[str],
) -> None:
    first, second = checkly_fake.add_updates(incident, ["Looking.", "Found it."])
    body = (
        {"description": "Edited."}
        if path == DASHBOARD_UPDATES
        else {**FIRST, "description": "Edited."}
    )

    edited = await raw.put(f"{checkly_url}{path}/{first['id']}", headers=AUTH, json=body)
    deleted = await raw.delete(f"{checkly_url}{path}/{first['id']}", headers=AUTH)
    last = await raw.delete(f"{checkly_url}{path}/{second['id']}", headers=AUTH)
    missing = await raw.delete(f"{checkly_url}{path}/{first['id']}", headers=AUTH)
    not_guid = await raw.put(f"{checkly_url}{path}/42", headers=AUTH, json=body)

    assert edited.status_code == 200
    assert set(edited.json()) == fields
    assert edited.json()["description"] == "Edited."
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert _error(last, 400) == LAST_UPDATE
    assert _error(missing, 404) == "Not Found"
    name = "id" if path == DASHBOARD_UPDATES else "incidentUpdateId"
    assert _error(not_guid, 400) == f'"{name}" must be a valid GUID'
    assert checkly_fake.applied(incident) == [second]


async def test_each_route_is_scripted_on_its_own(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    first, _ = checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, ["Looking.", "Found it."])
    checkly_fake.script(Reply.server_error(503), route="delete")
    checkly_fake.script(Reply.rate_limited(retry_after=5), route="components")

    listed = await raw.get(checkly_url + INCIDENTS, headers=AUTH)
    components = await raw.get(checkly_url + COMPONENTS, headers=AUTH)
    deleted = await raw.delete(f"{checkly_url}{PAGE_UPDATES}/{first['id']}", headers=AUTH)
    again = await raw.delete(f"{checkly_url}{PAGE_UPDATES}/{first['id']}", headers=AUTH)

    assert listed.status_code == 200
    assert (_error(components, 429), components.headers["Retry-After"]) == (
        "Too Many Requests",
        "5",
    )
    _error(deleted, 503)
    assert again.status_code == 204
    with pytest.raises(ValueError, match="no route 'reopen'"):
        checkly_fake.script(Reply.ok(), route="reopen")


async def test_an_opening_can_be_held_open_after_it_was_made(
    raw: httpx.AsyncClient, checkly_url: str, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.script(Reply.apply_then_hang(), route="open")

    with pytest.raises(httpx.ReadTimeout):
        await raw.post(checkly_url + INCIDENTS, headers=AUTH, json=OPENING, timeout=0.5)

    newest, _ = checkly_fake.incidents_on(CHECKLY_PAGE)
    assert newest["name"] == "Checkout is down"
