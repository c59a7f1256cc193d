"""Router: concurrent fan-out, unconfigured providers refused without a request."""

import logging
import time

import httpx
import pytest

from bot.domain.models import Accepted, Outcome, Refused, Target, Unclear, Update
from bot.domain.states import ProviderName, State
from bot.providers.base import ListResult, PreparedRequest
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.providers.router import Router
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_INCIDENT
from tests.fakes.phare import PhareFake

UPDATE = Update(State.MONITORING, "A fix is rolling out.")
PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, CHECKLY_INCIDENT)


async def test_fan_out_takes_about_the_slowest_provider_not_the_sum(
    phare_client: PhareClient,
    checkly_client: ChecklyClient,
    phare_fake: PhareFake,
    checkly_fake: ChecklyFake,
) -> None:
    phare_fake.latency, checkly_fake.latency = 0.3, 0.4
    router = Router({ProviderName.PHARE: phare_client, ProviderName.CHECKLY: checkly_client})

    started = time.monotonic()
    outcomes = await router.send(UPDATE, [PHARE, CHECKLY])
    elapsed = time.monotonic() - started

    assert elapsed < 0.7 * (0.3 + 0.4)
    assert outcomes == {
        PHARE: Accepted(str(phare_fake.applied(42)[0]["id"])),
        CHECKLY: Accepted(checkly_fake.applied(CHECKLY_INCIDENT)[0]["id"]),
    }


async def test_unconfigured_provider_is_refused_and_others_still_sent(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    router = Router({ProviderName.PHARE: phare_client})

    outcomes = await router.send(UPDATE, [PHARE, CHECKLY])

    assert isinstance(outcomes[PHARE], Accepted)
    assert outcomes[CHECKLY] == Refused(
        None, "Checkly is not configured: set CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID"
    )
    assert router.provider(ProviderName.CHECKLY) is None
    assert router.provider(ProviderName.PHARE) is phare_client


async def test_no_providers_means_no_requests(phare_fake: PhareFake) -> None:
    outcomes = await Router({}).send(UPDATE, [PHARE])

    assert outcomes == {PHARE: Refused(None, "Phare is not configured: set PHARE_API_TOKEN")}
    assert phare_fake.requests == []


async def test_the_same_target_twice_is_sent_once(
    phare_client: PhareClient, phare_fake: PhareFake
) -> None:
    outcomes = await Router({ProviderName.PHARE: phare_client}).send(UPDATE, [PHARE, PHARE])

    assert list(outcomes) == [PHARE]
    assert len(phare_fake.applied(42)) == 1


class _Broken:
    """A provider with a bug: it raises."""

    @property
    def name(self) -> ProviderName:
        """Checkly."""
        return ProviderName.CHECKLY

    def prepare(self, update: Update, incident_id: str) -> PreparedRequest:
        """Not used."""
        raise NotImplementedError

    async def send(self, update: Update, incident_id: str) -> Outcome:
        """Fail the way a bug does."""
        raise httpx.InvalidURL("boom")

    async def list_updates(self, incident_id: str) -> ListResult:
        """Not used."""
        raise NotImplementedError


async def test_a_provider_bug_is_unclear_and_does_not_sink_the_others(
    phare_client: PhareClient, caplog: pytest.LogCaptureFixture
) -> None:
    router = Router({ProviderName.PHARE: phare_client, ProviderName.CHECKLY: _Broken()})

    with caplog.at_level(logging.ERROR, logger="bot.providers.router"):
        outcomes = await router.send(UPDATE, [PHARE, CHECKLY])

    assert isinstance(outcomes[PHARE], Accepted)
    assert isinstance(outcomes[CHECKLY], Unclear)
    (logged,) = caplog.records
    assert logged.exc_info is not None
    assert getattr(logged, "provider", None) is ProviderName.CHECKLY
