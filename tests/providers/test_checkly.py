"""ChecklyClient against the Checkly fake: the exact request, both success shapes, the list."""

import json
from typing import Any

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


def _entry(
    update_id: str, day: int | None, description: str = UPDATE.content, **more: str
) -> dict[str, Any]:
    """One entry of Checkly's 200 list answer."""
    entry = {"id": update_id, "status": "INVESTIGATING", "description": description, **more}
    return entry if day is None else {**entry, "created_at": f"2026-01-0{day}T00:00:00.000Z"}


LIST_ANSWERS = {
    "newest-match-not-last": (
        [_entry("old-same", 1), _entry("ours", 2), _entry("x", 3, "x")],
        "ours",
    ),
    "white-space-changed": (
        [_entry("ours", 2, f"  {UPDATE.content.replace(' ', '  ')}\n"), _entry("old", 1, "x")],
        "ours",
    ),
    "no-match-newest": ([_entry("newest", 2, "reworded"), _entry("old", 1, "x")], "newest"),
    "no-match-no-dates-last": ([_entry("a", None, "x"), _entry("b", None, status="X")], "b"),
}


@pytest.mark.parametrize(("listed", "ours"), LIST_ANSWERS.values(), ids=LIST_ANSWERS.keys())
async def test_a_200_list_answer_names_our_update(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, listed: list[Any], ours: str
) -> None:
    checkly_fake.script(Reply.raw(200, json.dumps(listed), "application/json"))

    assert await checkly_client.send(UPDATE, CHECKLY_INCIDENT) == Accepted(ours)


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
