"""ChecklyClient edits and deletes a published update, on dashboards (v1) and status pages (v3)."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.models import Accepted, Refused, Retry, Update
from bot.domain.states import State
from bot.providers.checkly import ChecklyClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.checkly_rules import LAST_UPDATE, stamp
from tests.fakes.fixtures import CHECKLY_INCIDENT, CHECKLY_PAGE_INCIDENT
from tests.fakes.replies import Reply

PAGE, _, INCIDENT = CHECKLY_PAGE_INCIDENT.partition("/")
PAGE_UPDATES = f"/v3/status-pages/{PAGE}/incidents/{INCIDENT}/incident-updates"
DASHBOARD_UPDATES = f"/v1/incidents/{CHECKLY_INCIDENT}/updates"
UNKNOWN = "11111111-2222-4333-8444-555555555555"
NOT_FOUND = "was not found at Checkly"


async def test_a_status_page_update_is_edited_with_the_documented_body(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    first, second = checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, ["Looking.", "Found it."])
    when = datetime.now(UTC) - timedelta(minutes=2)
    edit = Update(State.MONITORING, "Fix rolled out.", published_at=when, notify_subscribers=True)

    outcome = await checkly_client.edit_update(CHECKLY_PAGE_INCIDENT, second["id"].upper(), edit)

    assert outcome == Accepted(second["id"])
    (request,) = checkly_fake.requests
    assert (request.method, request.raw_path) == ("PUT", f"{PAGE_UPDATES}/{second['id']}")
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert request.json == {
        "status": "MONITORING",
        "description": "Fix rolled out.",
        "publicIncidentUpdateDate": stamp,
        "notifySubscribers": True,
    }
    held = checkly_fake.applied(CHECKLY_PAGE_INCIDENT)
    assert held[0] == first
    assert (held[1]["id"], held[1]["status"], held[1]["description"]) == (
        second["id"],
        "MONITORING",
        "Fix rolled out.",
    )


async def test_a_status_page_update_edited_without_a_publish_time_keeps_its_own(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    posted = stamp(datetime.now(UTC) - timedelta(minutes=30))
    shown = {
        "status": "INVESTIGATING",
        "description": "Looking.",
        "publicIncidentUpdateDate": posted,
    }
    update = checkly_fake.store(CHECKLY_PAGE_INCIDENT, shown)

    outcome = await checkly_client.edit_update(
        CHECKLY_PAGE_INCIDENT, update["id"], Update(State.IDENTIFIED, "Found it.")
    )

    assert outcome == Accepted(update["id"])
    read, put = checkly_fake.requests
    assert (read.method, read.raw_path) == ("GET", PAGE_UPDATES)
    assert (put.method, put.raw_path) == ("PUT", f"{PAGE_UPDATES}/{update['id']}")
    assert put.json == {
        "status": "IDENTIFIED",
        "description": "Found it.",
        "publicIncidentUpdateDate": posted,
    }
    (held,) = checkly_fake.applied(CHECKLY_PAGE_INCIDENT)
    assert (held["description"], held["publicIncidentUpdateDate"]) == ("Found it.", posted)


@pytest.mark.parametrize(
    ("listed", "update_id", "expected"),
    [
        (
            Reply.server_error(503, retry_after=7),
            None,
            Retry(
                "Checkly had a server error (HTTP 503). It said: “Service Unavailable”", 7.0, 503
            ),
        ),
        (
            None,
            UNKNOWN,
            Refused(404, f"incident {CHECKLY_PAGE_INCIDENT} or its update {UNKNOWN} {NOT_FOUND}"),
        ),
    ],
    ids=["list-503", "not-listed"],
)
async def test_a_status_page_edit_whose_update_cannot_be_read_is_not_sent(
    checkly_client: ChecklyClient,
    checkly_fake: ChecklyFake,
    listed: Reply | None,
    update_id: str | None,
    expected: Refused | Retry,
) -> None:
    (update,) = checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, ["Looking."])
    if listed is not None:
        checkly_fake.script_list(listed)

    outcome = await checkly_client.edit_update(
        CHECKLY_PAGE_INCIDENT, update_id or update["id"], Update(State.IDENTIFIED, "Found it.")
    )

    assert outcome == expected
    assert [r.method for r in checkly_fake.requests] == ["GET"]
    assert checkly_fake.applied(CHECKLY_PAGE_INCIDENT) == [update]


async def test_a_dashboard_update_is_edited_in_its_text_only(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    (update,) = checkly_fake.add_updates(CHECKLY_INCIDENT, ["Looking."], status="IDENTIFIED")

    outcome = await checkly_client.edit_update(
        CHECKLY_INCIDENT, update["id"], Update(State.IDENTIFIED, "A bad deploy.")
    )

    assert outcome == Accepted(update["id"])
    read, put = checkly_fake.requests
    assert (read.method, read.path) == ("GET", f"/v1/incidents/{CHECKLY_INCIDENT}")
    assert (put.method, put.raw_path) == ("PUT", f"{DASHBOARD_UPDATES}/{update['id']}")
    assert put.json == {"description": "A bad deploy."}
    (held,) = checkly_fake.applied(CHECKLY_INCIDENT)
    assert (held["status"], held["description"]) == ("IDENTIFIED", "A bad deploy.")
    assert held["updated_at"] is not None


async def test_a_dashboard_updates_status_cannot_change(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    (update,) = checkly_fake.add_updates(CHECKLY_INCIDENT, ["Looking."])

    outcome = await checkly_client.edit_update(
        CHECKLY_INCIDENT, update["id"], Update(State.RESOLVED, "Fixed.")
    )

    assert outcome == Refused(
        None,
        "Checkly keeps the status of a dashboard incident's update; only its text can be "
        "edited (this update is investigating)",
    )
    assert [r.method for r in checkly_fake.requests] == ["GET"]
    assert checkly_fake.applied(CHECKLY_INCIDENT) == [update]


async def test_a_dashboard_update_that_is_not_listed_is_not_found(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.add_updates(CHECKLY_INCIDENT, ["Looking."])

    outcome = await checkly_client.edit_update(
        CHECKLY_INCIDENT, UNKNOWN, Update(State.INVESTIGATING, "x")
    )

    assert outcome == Refused(
        404, f"incident {CHECKLY_INCIDENT} or its update {UNKNOWN} was not found at Checkly"
    )
    assert [r.method for r in checkly_fake.requests] == ["GET"]


async def test_a_resolving_edit_closes_the_status_page_incident(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    (update,) = checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, ["Looking."])

    outcome = await checkly_client.edit_update(
        CHECKLY_PAGE_INCIDENT, update["id"], Update(State.RESOLVED, "All good.")
    )

    assert outcome == Accepted(update["id"])
    assert checkly_fake.is_closed(CHECKLY_PAGE_INCIDENT)


@pytest.mark.parametrize("incident", [CHECKLY_INCIDENT, CHECKLY_PAGE_INCIDENT])
async def test_an_update_is_deleted(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, incident: str
) -> None:
    first, second = checkly_fake.add_updates(incident, ["Looking.", "Found it."])

    outcome = await checkly_client.delete_update(incident, first["id"])

    assert outcome == Accepted(first["id"])
    (request,) = checkly_fake.requests
    path = PAGE_UPDATES if "/" in incident else DASHBOARD_UPDATES
    assert (request.method, request.raw_path, request.body) == (
        "DELETE",
        f"{path}/{first['id']}",
        b"",
    )
    assert checkly_fake.applied(incident) == [second]


@pytest.mark.parametrize("incident", [CHECKLY_INCIDENT, CHECKLY_PAGE_INCIDENT])
async def test_the_last_update_stays_and_checklys_words_are_kept(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, incident: str
) -> None:
    (only,) = checkly_fake.add_updates(incident, ["Looking."])

    outcome = await checkly_client.delete_update(incident, only["id"])

    assert outcome == Refused(400, LAST_UPDATE)
    assert checkly_fake.applied(incident) == [only]


async def test_maintenance_never_reaches_a_status_page_update(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    (update,) = checkly_fake.add_updates(CHECKLY_PAGE_INCIDENT, ["Looking."])

    outcome = await checkly_client.edit_update(
        CHECKLY_PAGE_INCIDENT, update["id"], Update(State.MAINTENANCE, "Planned.")
    )

    assert outcome == Refused(None, "A Checkly status page has no 'maintenance' state")
    assert checkly_fake.requests == []


@pytest.mark.parametrize("incident", [CHECKLY_INCIDENT, CHECKLY_PAGE_INCIDENT])
@pytest.mark.parametrize(
    "update_id",
    ["42", f"{UNKNOWN}/..", f"{UNKNOWN}?x=1", "{" + UNKNOWN + "}", f" {UNKNOWN}", ""],
)
async def test_malformed_update_ids_never_reach_a_url(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, incident: str, update_id: str
) -> None:
    edited = await checkly_client.edit_update(incident, update_id, Update(State.INVESTIGATING, "x"))
    deleted = await checkly_client.delete_update(incident, update_id)

    for outcome in (edited, deleted):
        assert isinstance(outcome, Refused)
        assert outcome.status is None
        assert "Checkly update id" in outcome.message
    assert checkly_fake.requests == []


@pytest.mark.parametrize("incident", [f"{UNKNOWN}", f"{PAGE}/{UNKNOWN}"])
async def test_an_unknown_incident_is_not_found(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, incident: str
) -> None:
    outcome = await checkly_client.delete_update(incident, UNKNOWN)

    assert isinstance(outcome, Refused)
    assert outcome.status == 404
    assert outcome.message.startswith(f"incident {incident} or its update {UNKNOWN} was not found")
