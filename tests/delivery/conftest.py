"""Delivery fixtures: provider and notifier stand-ins (`clock` and `repo`: tests/conftest.py),
a store on the real clock, and the loopback vendor fakes (tests/fakes/fixtures.py)."""

from collections.abc import AsyncIterator

import pytest

from bot.domain.states import ProviderName
from bot.store.repo import Repo, open_repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier
from tests.fakes.fixtures import (  # noqa: F401 - fixtures
    checkly_fake,
    checkly_server,
    phare_fake,
    phare_server,
)
from tests.store.clock import FakeClock


@pytest.fixture
def phare(clock: FakeClock) -> FakeProvider:
    """A Phare stand-in that accepts unless scripted."""
    return FakeProvider(ProviderName.PHARE, clock=clock)


@pytest.fixture
def checkly(clock: FakeClock) -> FakeProvider:
    """A Checkly stand-in that accepts unless scripted."""
    return FakeProvider(ProviderName.CHECKLY, clock=clock)


@pytest.fixture
def notifier() -> RecordingNotifier:
    """A notifier that records everything."""
    return RecordingNotifier()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Repo]:
    """A migrated store on the real clock (the vendor fakes stamp updates with the real time)."""
    repo = await open_repo(database_url)
    try:
        yield repo
    finally:
        await repo.close()
