"""Delivery fixtures: provider and notifier stand-ins (`clock` and `repo`: tests/conftest.py)."""

import pytest

from bot.domain.states import ProviderName
from tests.delivery.fakes import FakeProvider, RecordingNotifier
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
