"""PhareClient.edit_update and delete_update: the exact requests, Phare's answers and refusals."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.domain.models import Accepted, Refused, Unclear, Update
from bot.domain.states import State
from bot.providers.phare import PhareClient
from tests.fakes.phare import PhareFake
from tests.fakes.vendor import Reply

CET = timezone(timedelta(hours=1))
EDIT = Update(State.IDENTIFIED, "Root cause: an expired certificate.")


@pytest.fixture
def update_id(phare_fake: PhareFake) -> str:
    """The id of an update Phare holds for incident 42."""
    (stored,) = phare_fake.add_updates(42, ["Looking into it."])
    return str(stored["id"])


async def test_the_update_is_changed_in_place(
    phare_client: PhareClient, phare_fake: PhareFake, update_id: str
) -> None:
    when = datetime(2026, 3, 2, 10, 30, tzinfo=CET)
    outcome = await phare_client.edit_update(
        "42", update_id, Update(EDIT.state, EDIT.content, when)
    )

    assert outcome == Accepted(update_id)
    (request,) = phare_fake.requests
    assert (request.method, request.raw_path) == (
        "POST",
        f"/uptime/incidents/42/updates/{update_id}",
    )
    assert request.json == {
        "state": "identified",
        "content": "Root cause: an expired certificate.",
        "published_at": "2026-03-02T10:30:00+01:00",
    }
    (held,) = phare_fake.applied(42)
    assert (held["state"], held["content"]) == ("identified", EDIT.content)


async def test_phares_own_validation_of_an_edit_reaches_the_user(
    phare_client: PhareClient, phare_fake: PhareFake, update_id: str
) -> None:
    outcome = await phare_client.edit_update(
        "42", update_id, Update(State.IDENTIFIED, "x" * 10_001)
    )

    said = "The content field must not be greater than 10000 characters."
    assert outcome == Refused(422, said, {"content": (said,)})
    assert [u["content"] for u in phare_fake.applied(42)] == ["Looking into it."]


async def test_the_update_is_deleted(
    phare_client: PhareClient, phare_fake: PhareFake, update_id: str
) -> None:
    outcome = await phare_client.delete_update("42", update_id)

    assert outcome == Accepted(update_id)
    (request,) = phare_fake.requests
    assert (request.method, request.raw_path) == (
        "DELETE",
        f"/uptime/incidents/42/updates/{update_id}",
    )
    assert phare_fake.applied(42) == []


@pytest.mark.parametrize("operation", ["edit", "delete"])
@pytest.mark.parametrize(("incident", "update"), [("42", "999"), ("43", None)])
async def test_an_unknown_update_or_incident_is_not_found_in_phares_words(
    phare_client: PhareClient,
    phare_fake: PhareFake,
    update_id: str,
    operation: str,
    incident: str,
    update: str | None,
) -> None:
    update = update or update_id
    if operation == "edit":
        outcome = await phare_client.edit_update(incident, update, EDIT)
    else:
        outcome = await phare_client.delete_update(incident, update)

    assert outcome == Refused(
        404,
        f"update {update} of incident {incident} was not found at Phare. "
        "It said: “Resource not found”",
    )
    assert [u["content"] for u in phare_fake.applied(42)] == ["Looking into it."]


@pytest.mark.parametrize(
    ("incident", "update", "said"),
    [
        ("42", "1001/../1", "Phare update id '1001/../1' is not a positive whole number"),
        ("42", "-1", "Phare update id '-1' is not a positive whole number"),
        ("x", "1001", "Phare incident id 'x' is not a positive whole number"),
    ],
)
async def test_ids_that_do_not_parse_never_reach_phare(
    phare_client: PhareClient, phare_fake: PhareFake, incident: str, update: str, said: str
) -> None:
    edited = await phare_client.edit_update(incident, update, EDIT)
    deleted = await phare_client.delete_update(incident, update)

    assert edited == deleted == Refused(None, said)
    assert phare_fake.requests == []


async def test_a_state_phare_lacks_or_a_naive_time_is_refused_before_sending(
    phare_client: PhareClient, phare_fake: PhareFake, update_id: str
) -> None:
    maintenance = await phare_client.edit_update("42", update_id, Update(State.MAINTENANCE, "x"))
    naive = Update(State.IDENTIFIED, "x", datetime(2026, 3, 2, 10, 30))
    no_zone = await phare_client.edit_update("42", update_id, naive)

    assert isinstance(maintenance, Refused)
    assert no_zone == Refused(None, "the publish time has no time zone")
    assert phare_fake.requests == []


@pytest.mark.parametrize(
    "answer",
    ['{"message": "ok"}', "<html>Saved</html>", '{"id": 7, "state": "identified", "content": "x"}'],
    ids=["not-an-update", "html", "another-update"],
)
async def test_an_edit_answered_with_no_readable_update_is_unclear(
    phare_client: PhareClient, phare_fake: PhareFake, update_id: str, answer: str
) -> None:
    phare_fake.script_to("edit", Reply.apply_then_answer(200, answer))

    outcome = await phare_client.edit_update("42", update_id, EDIT)

    assert isinstance(outcome, Unclear)
    assert outcome.reason.startswith("Phare answered HTTP 200 but the changed update could not")
    assert [u["content"] for u in phare_fake.applied(42)] == [EDIT.content]


async def test_a_deletion_answered_otherwise_than_documented_is_unclear(
    phare_client: PhareClient, phare_fake: PhareFake, update_id: str
) -> None:
    phare_fake.script_to("delete", Reply.apply_then_answer(200, "<html>Deleted</html>"))

    outcome = await phare_client.delete_update("42", update_id)

    assert outcome == Unclear(
        "Phare answered HTTP 200 but its answer to the deletion could not be read (Deleted)"
    )
    assert phare_fake.applied(42) == []
