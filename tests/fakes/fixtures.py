"""Pytest fixtures for the Phare and Checkly fakes; import them into a conftest.py.

    from tests.fakes.fixtures import (  # noqa: F401
        checkly_client, checkly_fake, checkly_server, http, phare_client, phare_fake, phare_server,
    )

`phare_fake` knows incident PHARE_INCIDENT with token PHARE_TOKEN; `checkly_fake` knows the
dashboard incident CHECKLY_INCIDENT and the status-page incident CHECKLY_PAGE_INCIDENT
(`<page>/<incident>`) with key CHECKLY_KEY and account CHECKLY_ACCOUNT. `*_server` serve them on
loopback; `*_settings(url)` build the matching settings; `http` is an AsyncClient with
DEFAULT_TIMEOUT; `*_client` are the real clients pointed at the fakes.
"""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from pydantic import SecretStr

from bot.config import ChecklySettings, PhareSettings
from bot.providers.base import DEFAULT_TIMEOUT
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from tests.fakes.checkly import ChecklyFake
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer

PHARE_TOKEN = "phare-test-token-5e1f"
PHARE_INCIDENT = "42"
CHECKLY_KEY = "cu_checkly-test-key-77aa"
CHECKLY_ACCOUNT = "3f1a0a4e-5b6c-4d7e-8f90-a1b2c3d4e5f6"
CHECKLY_INCIDENT = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
CHECKLY_PAGE = "5a7e3c1d-2b4f-4e6a-9c8d-0f1e2d3c4b5a"
CHECKLY_PAGE_INCIDENT = f"{CHECKLY_PAGE}/c4e2a9b7-1d3f-4a5b-8c6d-7e8f9a0b1c2d"


def phare_settings(url: str, **extra: object) -> PhareSettings:
    """Settings for a PhareClient talking to the fake at `url`."""
    return PhareSettings.model_validate(
        {"api_token": SecretStr(PHARE_TOKEN), "api_url": url, **extra}
    )


def checkly_settings(url: str) -> ChecklySettings:
    """Settings for a ChecklyClient talking to the fake at `url`."""
    return ChecklySettings(api_key=SecretStr(CHECKLY_KEY), account_id=CHECKLY_ACCOUNT, api_url=url)


@pytest.fixture
def phare_fake() -> PhareFake:
    """A Phare fake that knows incident 42."""
    return PhareFake(token=PHARE_TOKEN, incidents={int(PHARE_INCIDENT)})


@pytest.fixture
def checkly_fake() -> ChecklyFake:
    """A Checkly fake that knows CHECKLY_INCIDENT and CHECKLY_PAGE_INCIDENT."""
    return ChecklyFake(
        key=CHECKLY_KEY,
        account=CHECKLY_ACCOUNT,
        incidents={CHECKLY_INCIDENT},
        page_incidents={CHECKLY_PAGE_INCIDENT},
    )


@pytest.fixture
def phare_server(phare_fake: PhareFake) -> Iterator[LoopbackServer]:
    """The Phare fake served on loopback."""
    with LoopbackServer(phare_fake.app) as server:
        yield server


@pytest.fixture
def checkly_server(checkly_fake: ChecklyFake) -> Iterator[LoopbackServer]:
    """The Checkly fake served on loopback."""
    with LoopbackServer(checkly_fake.app) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """One shared AsyncClient with the bot's default timeouts."""
    async with httpx.AsyncClient(timeout=DEFAULT_TIMEOUT) as client:
        yield client


@pytest.fixture
def phare_client(http: httpx.AsyncClient, phare_server: LoopbackServer) -> PhareClient:
    """A PhareClient pointed at the fake."""
    return PhareClient(http, phare_settings(phare_server.url))


@pytest.fixture
def checkly_client(http: httpx.AsyncClient, checkly_server: LoopbackServer) -> ChecklyClient:
    """A ChecklyClient pointed at the fake."""
    return ChecklyClient(http, checkly_settings(checkly_server.url))
