"""Every new Phare operation against every failure Phare (or the way to it) can answer.

Opening, recovering, editing and deleting change something at Phare, so a timeout or a dropped
connection is Unclear; listing incidents changes nothing, so the same failure is a Retry.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.domain.models import Outcome, Refused, Retry, Unclear, Update
from bot.domain.operations import Opening
from bot.domain.states import State
from bot.providers.base import IncidentsResult
from bot.providers.phare import PhareClient
from tests.fakes.fixtures import phare_settings
from tests.fakes.phare import FORBIDDEN_MESSAGE, PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import Reply

EDIT = Update(State.MONITORING, "A fix is out; watching.")
SINCE = datetime.now(UTC) - timedelta(hours=1)
Call = Callable[[PhareClient, str], Awaitable[Outcome | IncidentsResult]]


@dataclass(frozen=True)
class Operation:
    """One operation: the fake's route name, the call, and whether it changes anything."""

    route: str
    call: Call
    changes: bool = True


OPERATIONS = {
    "open": Operation("open", lambda c, _: c.open_incident(Opening("Checkout is down"), "")),
    "recover": Operation("recover", lambda c, _: c.recover("42")),
    "edit": Operation("edit", lambda c, update: c.edit_update("42", update, EDIT)),
    "delete": Operation("delete", lambda c, update: c.delete_update("42", update)),
    "list_incidents": Operation("incidents", lambda c, _: c.list_incidents("", SINCE), False),
}


@pytest.fixture(params=sorted(OPERATIONS))
def operation(request: pytest.FixtureRequest) -> Operation:
    """Each new operation in turn."""
    return OPERATIONS[request.param]


@pytest.fixture
def update_id(phare_fake: PhareFake) -> str:
    """An update Phare holds for incident 42."""
    (stored,) = phare_fake.add_updates(42, ["Investigating the checkout."])
    return str(stored["id"])


def _unchanged(fake: PhareFake, update_id: str) -> bool:
    """Whether Phare holds exactly what it held before the operation."""
    (update,) = fake.applied(42)
    incident = fake.incident(42)
    assert incident is not None
    return (
        len(fake.incidents()) == 1
        and incident["status"] == "ongoing"
        and (str(update["id"]), update["content"]) == (update_id, "Investigating the checkout.")
    )


async def test_403_is_refused_in_phares_words_and_nothing_changes(
    phare_client: PhareClient, phare_fake: PhareFake, operation: Operation, update_id: str
) -> None:
    phare_fake.script_to(operation.route, Reply.forbidden(FORBIDDEN_MESSAGE))

    outcome = await operation.call(phare_client, update_id)

    assert outcome == Refused(403, FORBIDDEN_MESSAGE)
    assert _unchanged(phare_fake, update_id)


async def test_401_names_the_variable_to_check(
    phare_client: PhareClient, phare_fake: PhareFake, operation: Operation, update_id: str
) -> None:
    phare_fake.script_to(operation.route, Reply.unauthorized())

    outcome = await operation.call(phare_client, update_id)

    assert isinstance(outcome, Refused)
    assert outcome.status == 401
    assert outcome.message == (
        "the API token was refused; check PHARE_API_TOKEN. It said: “Unauthorized”"
    )


async def test_422_field_errors_are_kept_word_for_word(
    phare_client: PhareClient, phare_fake: PhareFake, operation: Operation, update_id: str
) -> None:
    errors = {"title": ["The title field must not be greater than 250 characters."]}
    phare_fake.script_to(operation.route, Reply.invalid(errors))

    outcome = await operation.call(phare_client, update_id)

    assert outcome == Refused(
        422,
        "The title field must not be greater than 250 characters.",
        {"title": ("The title field must not be greater than 250 characters.",)},
    )
    assert _unchanged(phare_fake, update_id)


async def test_429_is_retried_after_what_retry_after_says(
    phare_client: PhareClient, phare_fake: PhareFake, operation: Operation, update_id: str
) -> None:
    phare_fake.script_to(operation.route, Reply.rate_limited(retry_after=7))

    outcome = await operation.call(phare_client, update_id)

    assert outcome == Retry(
        "Phare is limiting requests (HTTP 429). It said: “Too Many Attempts.”", 7.0, 429
    )
    assert _unchanged(phare_fake, update_id)


@pytest.mark.parametrize("reply", [Reply.server_error(503), Reply.html(502)], ids=["503", "html"])
async def test_a_server_error_is_retried(
    phare_client: PhareClient,
    phare_fake: PhareFake,
    operation: Operation,
    update_id: str,
    reply: Reply,
) -> None:
    phare_fake.script_to(operation.route, reply)

    outcome = await operation.call(phare_client, update_id)

    assert isinstance(outcome, Retry)
    assert outcome.status == reply.code
    assert outcome.reason.startswith(f"Phare had a server error (HTTP {reply.code})")
    assert _unchanged(phare_fake, update_id)


@pytest.mark.parametrize(
    "reply", [Reply.hang(), Reply.drop()], ids=["no-answer-in-time", "connection-dropped"]
)
async def test_a_lost_answer_is_unclear_unless_only_reading(
    phare_fake: PhareFake,
    phare_server: LoopbackServer,
    operation: Operation,
    update_id: str,
    reply: Reply,
) -> None:
    phare_fake.script_to(operation.route, reply)
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, read=0.3)) as http:
        outcome = await operation.call(
            PhareClient(http, phare_settings(phare_server.url)), update_id
        )

    assert isinstance(outcome, Unclear if operation.changes else Retry)
    assert _unchanged(phare_fake, update_id)
