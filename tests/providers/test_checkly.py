"""ChecklyClient against the Checkly fake: the exact request, both success shapes, the list."""

import json

import httpx
import pytest

from bot.domain.models import Accepted, Refused, Unclear, Update
from bot.domain.states import State
from bot.providers.checkly import ChecklyClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_INCIDENT, CHECKLY_KEY, checkly_settings
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply

UPDATE = Update(State.INVESTIGATING, "Checkout errors; looking into it.")


async def test_the_request_matches_checklys_spec(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await checkly_client.send(UPDATE, CHECKLY_INCIDENT.upper())

    assert isinstance(outcome, Accepted)
    (request,) = checkly_fake.requests
    assert request.method == "POST"
    assert request.raw_path == f"/v1/incidents/{CHECKLY_INCIDENT}/updates"
    assert request.headers["authorization"] == f"Bearer {CHECKLY_KEY}"
    assert request.headers["x-checkly-account"] == CHECKLY_ACCOUNT
    assert request.json == {"status": "INVESTIGATING", "description": UPDATE.content}


@pytest.mark.parametrize("shape", ["list", "object"])
async def test_both_success_shapes_are_accepted(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, shape: str
) -> None:
    checkly_fake.add_updates(CHECKLY_INCIDENT, ["older one", UPDATE.content])
    checkly_fake.script(Reply.ok(shape=shape))

    outcome = await checkly_client.send(UPDATE, CHECKLY_INCIDENT)

    newest = checkly_fake.applied(CHECKLY_INCIDENT)[-1]
    assert outcome == Accepted(newest["id"])


async def test_list_answer_picks_the_newest_match_not_the_last_entry(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    ours = {"id": "our-id", "status": "INVESTIGATING", "description": UPDATE.content}
    listed = [
        {**ours, "id": "old-same-text", "created_at": "2026-01-01T00:00:00.000Z"},
        {**ours, "created_at": "2026-01-02T00:00:00.000Z"},
        {
            "id": "other",
            "status": "RESOLVED",
            "description": "x",
            "created_at": "2026-01-03T00:00:00Z",
        },
    ]
    checkly_fake.script(Reply.raw(200, json.dumps(listed), "application/json"))

    assert await checkly_client.send(UPDATE, CHECKLY_INCIDENT) == Accepted("our-id")


async def test_list_answer_without_a_match_falls_back_to_the_last(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    listed = [{"id": "a", "status": "RESOLVED", "description": "x"}, {"id": "b", "status": "X"}]
    checkly_fake.script(Reply.raw(200, json.dumps(listed), "application/json"))

    assert await checkly_client.send(UPDATE, CHECKLY_INCIDENT) == Accepted("b")


@pytest.mark.parametrize("body", ["[]", '{"status": "INVESTIGATING"}', "[1, 2]", '{"id": 5}'])
async def test_unreadable_success_is_unclear(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, body: str
) -> None:
    checkly_fake.script(Reply.raw(201, body, "application/json"))

    assert isinstance(await checkly_client.send(UPDATE, CHECKLY_INCIDENT), Unclear)


async def test_checklys_own_validation_reaches_the_user(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await checkly_client.send(Update(State.RESOLVED, ""), CHECKLY_INCIDENT)

    assert outcome == Refused(400, '"description" is not allowed to be empty')


async def test_a_wrong_account_is_refused_403(
    http: httpx.AsyncClient, checkly_server: LoopbackServer
) -> None:
    settings = checkly_settings(checkly_server.url).model_copy(update={"account_id": "other"})

    outcome = await ChecklyClient(http, settings).send(UPDATE, CHECKLY_INCIDENT)

    assert outcome == Refused(403, "You do not have access to this account")


async def test_list_asks_for_all_updates_newest_first(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    seeded = checkly_fake.add_updates(CHECKLY_INCIDENT, ["first", "second", "third"], "MONITORING")

    listed = await checkly_client.list_updates(CHECKLY_INCIDENT)

    assert isinstance(listed, list)
    assert [u.id for u in listed] == [u["id"] for u in reversed(seeded)]
    assert {u.state for u in listed} == {State.MONITORING}
    (request,) = checkly_fake.requests
    assert request.path == f"/v1/incidents/{CHECKLY_INCIDENT}"
    assert request.query == {"includeAllIncidentUpdates": "true"}


async def test_list_of_an_unknown_incident_is_refused_404(checkly_client: ChecklyClient) -> None:
    other = "11111111-2222-4333-8444-555555555555"

    listed = await checkly_client.list_updates(other)

    assert isinstance(listed, Refused)
    assert listed.status == 404
