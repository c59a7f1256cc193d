"""Network failures: hang, refused connection, bad ids and states never reach the wire."""

import socket
import time

import httpx
import pytest

from bot.domain.models import Refused, Retry, Unclear, Update
from bot.domain.states import ProviderName, State
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from tests.fakes.fixtures import CHECKLY_INCIDENT, checkly_settings, phare_settings
from tests.fakes.vendor import Reply
from tests.providers.conftest import Harness

UPDATE = Update(State.IDENTIFIED, "Root cause: a bad deploy.")


async def test_hang_is_unclear_within_the_client_timeout(vendor: Harness) -> None:
    vendor.fake.script(Reply.hang())
    short = httpx.Timeout(2.0, read=0.3)
    async with httpx.AsyncClient(timeout=short) as http:
        client = (
            PhareClient(http, phare_settings(vendor.url))
            if vendor.name is ProviderName.PHARE
            else ChecklyClient(http, checkly_settings(vendor.url))
        )
        started = time.monotonic()
        outcome = await client.send(UPDATE, vendor.incident)
        elapsed = time.monotonic() - started

    assert isinstance(outcome, Unclear)
    assert elapsed < 5
    assert "did not answer in time" in vendor.explain(outcome)
    assert vendor.applied() == []


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("name", [ProviderName.PHARE, ProviderName.CHECKLY])
async def test_connection_refused_is_retried(http: httpx.AsyncClient, name: ProviderName) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    client = (
        PhareClient(http, phare_settings(url))
        if name is ProviderName.PHARE
        else ChecklyClient(http, checkly_settings(url))
    )
    incident = "42" if name is ProviderName.PHARE else CHECKLY_INCIDENT

    outcome = await client.send(UPDATE, incident)
    listed = await client.list_updates(incident)

    assert isinstance(outcome, Retry)
    assert "connection refused" in outcome.reason
    assert isinstance(listed, Retry)


INJECTIONS = [
    "../../admin",
    "12#x",
    "1_000",
    "+5",
    "%2F",
    "42/../43",
    "42\r\nX-Evil: 1",
    "42\n",
    "４２",
    " 42",
    "0",
    "",
    "9" * 25,
    "not-a-uuid",
    "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d/../x",
    "0b9d5d2e6f8e4c559d551c1f6a2b3c4d",
    "{0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d}",
]


@pytest.mark.parametrize("bad_id", INJECTIONS)
async def test_malformed_ids_are_refused_without_a_request(vendor: Harness, bad_id: str) -> None:
    if vendor.name is ProviderName.CHECKLY and bad_id == CHECKLY_INCIDENT:
        pytest.skip("valid for Checkly")

    outcome = await vendor.client.send(UPDATE, bad_id)
    listed = await vendor.client.list_updates(bad_id)

    assert isinstance(outcome, Refused)
    assert outcome.status is None
    assert repr(bad_id[:80]) in outcome.message
    assert listed == outcome
    assert vendor.fake.requests == []
    assert vendor.explain(outcome).startswith(f"Not sent to {vendor.name.label}: ")


async def test_a_state_the_provider_lacks_is_refused_without_a_request(vendor: Harness) -> None:
    lacking = State.MAINTENANCE if vendor.name is ProviderName.PHARE else State.UNKNOWN

    outcome = await vendor.client.send(Update(lacking, "text"), vendor.incident)

    assert isinstance(outcome, Refused)
    assert f"has no '{lacking.value}' state" in outcome.message
    assert vendor.fake.requests == []


async def test_prepare_masks_the_token_and_sends_nothing(vendor: Harness) -> None:
    prepared = vendor.client.prepare(UPDATE, vendor.incident)

    assert prepared.headers["Authorization"] == "Bearer ***"
    assert vendor.secret not in repr(prepared)
    assert prepared.method == "POST"
    assert vendor.fake.requests == []


async def test_prepare_raises_for_a_bad_id(vendor: Harness) -> None:
    with pytest.raises(ValueError, match="admin"):
        vendor.client.prepare(UPDATE, "../../admin")
