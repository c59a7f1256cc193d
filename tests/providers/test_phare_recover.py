"""PhareClient.recover: Phare's 204, an incident already recovered, and what Phare refuses."""

import pytest

from bot.domain.models import Accepted, Refused
from bot.providers.phare import PhareClient
from tests.fakes.phare import PhareFake
from tests.fakes.vendor import Reply

ALREADY = "The incident is already recovered."


def _status(fake: PhareFake, incident: int = 42) -> str:
    """The incident's status as Phare holds it."""
    held = fake.incident(incident)
    assert held is not None
    return str(held["status"])


async def test_the_incident_is_recovered(phare_client: PhareClient, phare_fake: PhareFake) -> None:
    outcome = await phare_client.recover("42")

    assert outcome == Accepted("42")
    (request,) = phare_fake.requests
    assert (request.method, request.raw_path, request.body) == (
        "POST",
        "/uptime/incidents/42/recover",
        b"",
    )
    assert _status(phare_fake) == "recovered"


async def test_recovering_an_incident_already_recovered_is_accepted(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    first = await phare_client.recover("42")
    recovered_at = (phare_fake.incident(42) or {})["recovery_at"]

    again = await phare_client.recover("42")

    assert first == again == Accepted("42")
    assert (phare_fake.incident(42) or {})["recovery_at"] == recovered_at


async def test_a_422_for_an_incident_phare_shows_recovered_is_accepted(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    await phare_client.recover("42")
    phare_fake.script_to("recover", Reply.status(422, ALREADY))

    outcome = await phare_client.recover("42")

    assert outcome == Accepted("42")
    assert [r.method for r in phare_fake.requests] == ["POST", "POST", "GET"]
    assert phare_fake.requests[-1].raw_path == "/uptime/incidents/42"


@pytest.mark.parametrize(
    "shown",
    [Reply.ok(), Reply.server_error(503), Reply.raw(200, "<html>", "text/html")],
    ids=["ongoing", "unreadable-503", "unreadable-200"],
)
async def test_a_422_stands_unless_phare_shows_the_incident_recovered(
    phare_client: PhareClient, phare_fake: PhareFake, shown: Reply
) -> None:
    phare_fake.script_to("recover", Reply.status(422, "Monitor incidents recover by themselves."))
    phare_fake.script_to("incident", shown)

    outcome = await phare_client.recover("42")

    assert outcome == Refused(422, "Monitor incidents recover by themselves.")
    assert _status(phare_fake) == "ongoing"


async def test_any_2xx_is_accepted_as_phare_documents_no_body_to_read(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    phare_fake.script_to("recover", Reply.apply_then_answer(200, "<html>recovered</html>"))

    outcome = await phare_client.recover("42")

    assert outcome == Accepted("42")
    assert _status(phare_fake) == "recovered"


async def test_an_unknown_incident_is_not_found_in_phares_words(
    phare_client: PhareClient,
) -> None:
    outcome = await phare_client.recover("43")

    assert outcome == Refused(
        404, "incident 43 was not found at Phare. It said: “Resource not found”"
    )


async def test_an_id_that_does_not_parse_never_reaches_phare(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcome = await phare_client.recover("42/../7")

    assert outcome == Refused(None, "Phare incident id '42/../7' is not a positive whole number")
    assert phare_fake.requests == []
