"""Every new Checkly operation turns Checkly's failures into outcomes, in Checkly's words."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.domain.models import Outcome, Refused, Retry, Unclear, Update
from bot.domain.operations import Opening
from bot.domain.states import State
from bot.providers.base import ComponentsResult, IncidentsResult
from bot.providers.checkly import ChecklyClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import (
    CHECKLY_INCIDENT,
    CHECKLY_KEY,
    CHECKLY_PAGE,
    CHECKLY_PAGE_INCIDENT,
    checkly_settings,
)
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply

Result = Outcome | IncidentsResult | ComponentsResult
PERMISSION = "You do not have the permission to manage status pages."


@dataclass(frozen=True)
class Operation:
    """One client call, the fake's route it reaches, and whether it only reads."""

    route: str
    call: Callable[[ChecklyClient, ChecklyFake], Awaitable[Result]]
    reads: bool = False


def _edit(incident: str) -> Callable[[ChecklyClient, ChecklyFake], Awaitable[Result]]:
    """Edit the incident's newest update (seeded first) in its own status."""

    async def call(client: ChecklyClient, fake: ChecklyFake) -> Result:
        (update,) = fake.add_updates(incident, ["Looking."])
        return await client.edit_update(incident, update["id"], Update(State.INVESTIGATING, "x"))

    return call


def _delete(incident: str) -> Callable[[ChecklyClient, ChecklyFake], Awaitable[Result]]:
    """Delete the older of two seeded updates."""

    async def call(client: ChecklyClient, fake: ChecklyFake) -> Result:
        first, _ = fake.add_updates(incident, ["Looking.", "Found it."])
        return await client.delete_update(incident, first["id"])

    return call


async def _open(client: ChecklyClient, fake: ChecklyFake) -> Result:
    return await client.open_incident(Opening("Checkout is down"), CHECKLY_PAGE)


async def _incidents(client: ChecklyClient, fake: ChecklyFake) -> Result:
    return await client.list_incidents(CHECKLY_PAGE, datetime.now(UTC) - timedelta(days=1))


async def _components(client: ChecklyClient, fake: ChecklyFake) -> Result:
    return await client.list_components(CHECKLY_PAGE)


OPERATIONS = {
    "open": Operation("open", _open),
    "list-incidents": Operation("incidents", _incidents, reads=True),
    "list-components": Operation("components", _components, reads=True),
    "edit-dashboard": Operation("edit", _edit(CHECKLY_INCIDENT)),
    "edit-status-page": Operation("edit", _edit(CHECKLY_PAGE_INCIDENT)),
    "delete-dashboard": Operation("delete", _delete(CHECKLY_INCIDENT)),
    "delete-status-page": Operation("delete", _delete(CHECKLY_PAGE_INCIDENT)),
}


@pytest.fixture(params=list(OPERATIONS))
def operation(request: pytest.FixtureRequest) -> Operation:
    """Each new operation in turn."""
    return OPERATIONS[request.param]


async def _run(op: Operation, fake: ChecklyFake, reply: Reply, client: ChecklyClient) -> Result:
    """Script the reply for the operation's route, then call it."""
    fake.script(reply, route=op.route)
    return await op.call(client, fake)


@pytest.mark.parametrize(
    ("reply", "status", "said"),
    [
        (Reply.status(400, '"name" is not allowed'), 400, '"name" is not allowed'),
        (Reply.forbidden(PERMISSION), 403, PERMISSION),
        (Reply.forbidden(f"Key {CHECKLY_KEY} is read-only"), 403, "Key *** is read-only"),
    ],
)
async def test_a_refusal_is_final_in_checklys_words(
    operation: Operation,
    checkly_client: ChecklyClient,
    checkly_fake: ChecklyFake,
    reply: Reply,
    status: int,
    said: str,
) -> None:
    outcome = await _run(operation, checkly_fake, reply, checkly_client)

    assert outcome == Refused(status, said)


async def test_401_names_the_variable(
    operation: Operation, checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await _run(operation, checkly_fake, Reply.unauthorized(), checkly_client)

    assert isinstance(outcome, Refused)
    assert outcome.status == 401
    assert "check CHECKLY_API_KEY" in outcome.message
    assert "Bad Token" in outcome.message


async def test_404_says_what_was_not_found(
    operation: Operation, checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    outcome = await _run(operation, checkly_fake, Reply.not_found(), checkly_client)

    assert isinstance(outcome, Refused)
    assert outcome.status == 404
    assert outcome.message.endswith("was not found at Checkly. It said: “Not Found”")


@pytest.mark.parametrize(
    ("reply", "status", "after"),
    [
        (Reply.rate_limited(retry_after=7), 429, 7.0),
        (Reply.server_error(503, retry_after=15), 503, 15.0),
        (Reply.server_error(500), 500, None),
        (Reply.html(502), 502, None),
    ],
)
async def test_passing_failures_are_retried(
    operation: Operation,
    checkly_client: ChecklyClient,
    checkly_fake: ChecklyFake,
    reply: Reply,
    status: int,
    after: float | None,
) -> None:
    outcome = await _run(operation, checkly_fake, reply, checkly_client)

    assert isinstance(outcome, Retry)
    assert (outcome.status, outcome.after_seconds) == (status, after)


@pytest.mark.parametrize("reply", [Reply.hang(), Reply.drop()], ids=["timeout", "drop"])
async def test_no_answer_is_unclear_for_a_change_and_retried_for_a_read(
    operation: Operation, checkly_fake: ChecklyFake, checkly_server: LoopbackServer, reply: Reply
) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, read=0.3)) as http:
        client = ChecklyClient(http, checkly_settings(checkly_server.url))
        outcome = await _run(operation, checkly_fake, reply, client)

    assert isinstance(outcome, Retry if operation.reads else Unclear)


@pytest.mark.parametrize(
    "reply",
    [Reply.raw(200, "OK"), Reply.html(200), Reply.raw(201, "[]", "application/json")],
    ids=["text", "html", "array"],
)
async def test_an_unreadable_success_is_unclear(
    operation: Operation, checkly_client: ChecklyClient, checkly_fake: ChecklyFake, reply: Reply
) -> None:
    outcome = await _run(operation, checkly_fake, reply, checkly_client)

    assert isinstance(outcome, Unclear)
    assert "could not be read" in outcome.reason


@pytest.mark.parametrize("route", ["open", "edit", "delete"])
async def test_applied_then_dropped_is_unclear(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, route: str
) -> None:
    op = next(o for name, o in OPERATIONS.items() if o.route == route and "dashboard" not in name)
    before = len(checkly_fake.incidents_on(CHECKLY_PAGE))

    outcome = await _run(op, checkly_fake, Reply.apply_then_drop(), checkly_client)

    assert isinstance(outcome, Unclear)
    held = checkly_fake.applied(CHECKLY_PAGE_INCIDENT)
    if route == "open":
        assert len(checkly_fake.incidents_on(CHECKLY_PAGE)) == before + 1
    elif route == "edit":
        assert held[0]["description"] == "x"
    else:
        assert [u["description"] for u in held] == ["Found it."]
