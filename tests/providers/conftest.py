"""Fixtures for provider tests: the fakes, and a harness that runs a test against each vendor."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bot.domain.explain import explain
from bot.domain.models import Outcome
from bot.domain.states import ProviderName
from bot.providers.base import Provider
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import (  # noqa: F401
    CHECKLY_INCIDENT,
    CHECKLY_KEY,
    CHECKLY_PAGE_INCIDENT,
    PHARE_INCIDENT,
    PHARE_TOKEN,
    checkly_client,
    checkly_fake,
    checkly_server,
    checkly_settings,
    http,
    phare_client,
    phare_fake,
    phare_server,
    phare_settings,
)
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.vendor import VendorFake


@dataclass
class Harness:
    """One vendor's fake, served, and a real client pointed at it."""

    name: ProviderName
    fake: VendorFake
    client: Provider
    incident: str
    secret: str
    url: str

    def applied(self) -> list[dict[str, Any]]:
        """The updates the fake stored for the harness incident."""
        assert isinstance(self.fake, PhareFake | ChecklyFake)
        return self.fake.applied(self.incident)

    def explain(self, outcome: Outcome) -> str:
        """explain() for this vendor, checked never to carry the secret."""
        text = explain(self.name, outcome)
        assert self.secret not in text
        return text


@pytest.fixture(params=["phare", "checkly", "checkly-page"])
def vendor(request: pytest.FixtureRequest, http: httpx.AsyncClient) -> Iterator[Harness]:  # noqa: F811
    """Each vendor in turn (Checkly with a dashboard, then a status-page incident): its fake
    served on loopback and a client using the shared http."""
    if request.param == "phare":
        fake: VendorFake = PhareFake(token=PHARE_TOKEN, incidents={int(PHARE_INCIDENT)})
        with LoopbackServer(fake.app) as server:
            client: Provider = PhareClient(http, phare_settings(server.url))
            yield Harness(ProviderName.PHARE, fake, client, PHARE_INCIDENT, PHARE_TOKEN, server.url)
    else:
        fake = ChecklyFake(key=CHECKLY_KEY, account=checkly_settings("").account_id)
        incident = CHECKLY_PAGE_INCIDENT if request.param == "checkly-page" else CHECKLY_INCIDENT
        if request.param == "checkly-page":
            fake.add_page_incident(incident)
        else:
            fake.add_incident(incident)
        with LoopbackServer(fake.app) as server:
            client = ChecklyClient(http, checkly_settings(server.url))
            yield Harness(ProviderName.CHECKLY, fake, client, incident, CHECKLY_KEY, server.url)


@pytest.fixture
def phare_url(phare_fake: PhareFake) -> Iterator[str]:  # noqa: F811
    """The Phare fake's base URL."""
    with LoopbackServer(phare_fake.app) as server:
        yield server.url


@pytest.fixture
def checkly_url(checkly_fake: ChecklyFake) -> Iterator[str]:  # noqa: F811
    """The Checkly fake's base URL."""
    with LoopbackServer(checkly_fake.app) as server:
        yield server.url


@pytest.fixture
async def raw() -> AsyncIterator[httpx.AsyncClient]:
    """A plain client for hand-made requests."""
    async with httpx.AsyncClient(timeout=5) as client:
        yield client
