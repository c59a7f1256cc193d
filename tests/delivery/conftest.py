"""Delivery fixtures: a migrated Repo per database kind, a hand-driven clock, fakes."""

from collections.abc import AsyncIterator

import pytest

from bot.domain.states import ProviderName
from bot.store.repo import Repo, open_repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier
from tests.store.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves."""
    return FakeClock()


@pytest.fixture
async def repo(database_url: str, clock: FakeClock) -> AsyncIterator[Repo]:
    """A Repo over a freshly migrated database, on the test's clock."""
    repo = await open_repo(database_url, clock=clock)
    try:
        yield repo
    finally:
        await repo.close()


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
