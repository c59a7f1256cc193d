"""Delivery fixtures: provider and notifier stand-ins (`clock` and `repo`: tests/conftest.py),
and the loopback vendor fakes (tests/fakes/fixtures.py)."""

import pytest

from bot.domain.states import ProviderName
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
