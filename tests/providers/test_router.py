"""The provider router: each target to its configured client; the others answered plainly."""

from datetime import datetime

import httpx

from bot.domain.models import Accepted, Outcome, Refused, Retry, Target, Unclear, Update
from bot.domain.operations import Opening
from bot.domain.states import ProviderName, State
from bot.providers.base import ComponentsResult, IncidentsResult, ListResult, PreparedRequest
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.providers.router import ProviderRouter
from tests.fakes.fixtures import CHECKLY_INCIDENT
from tests.fakes.phare import PhareFake

UPDATE = Update(State.MONITORING, "A fix is rolling out.")
PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, CHECKLY_INCIDENT)


async def test_each_target_goes_to_its_own_provider(
    phare_client: PhareClient, checkly_client: ChecklyClient, phare_fake: PhareFake
) -> None:
    router = ProviderRouter(
        {ProviderName.PHARE: phare_client, ProviderName.CHECKLY: checkly_client}
    )

    outcome = await router.send(PHARE, UPDATE)

    assert outcome == Accepted(str(phare_fake.applied(42)[0]["id"]))
    assert router.configured == {ProviderName.PHARE, ProviderName.CHECKLY}


async def test_unconfigured_provider_is_refused_without_a_request(phare_fake: PhareFake) -> None:
    router = ProviderRouter({})

    assert await router.send(PHARE, UPDATE) == Refused(
        None, "Phare is not configured: set PHARE_API_TOKEN"
    )
    assert await router.list_updates(CHECKLY) == Refused(
        None, "Checkly is not configured: set CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID"
    )
    assert router.prepare(PHARE, UPDATE) is None
    assert phare_fake.requests == []


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

    def prepare_open(self, opening: Opening, where: str) -> PreparedRequest:
        """Not used."""
        raise NotImplementedError

    async def open_incident(self, opening: Opening, where: str) -> Outcome:
        """Not used."""
        raise NotImplementedError

    async def list_incidents(self, where: str, since: datetime) -> IncidentsResult:
        """Not used."""
        raise NotImplementedError

    async def recover(self, incident_id: str) -> Outcome:
        """Not used."""
        raise NotImplementedError

    async def edit_update(self, incident_id: str, update_id: str, update: Update) -> Outcome:
        """Not used."""
        raise NotImplementedError

    async def delete_update(self, incident_id: str, update_id: str) -> Outcome:
        """Not used."""
        raise NotImplementedError

    async def list_components(self, where: str) -> ComponentsResult:
        """Not used."""
        raise NotImplementedError


async def test_a_provider_bug_reads_as_unclear_when_sending_and_retry_when_listing() -> None:
    router = ProviderRouter({ProviderName.CHECKLY: _Broken()})

    sent = await router.send(CHECKLY, UPDATE)
    listed = await router.list_updates(CHECKLY)

    assert sent == Unclear("unexpected error while sending (InvalidURL)")
    assert listed == Retry("unexpected error while listing updates (NotImplementedError)")
