"""Store fixtures: a migrated Repo on each database kind, with a hand-driven clock."""

from collections.abc import AsyncIterator

import pytest

from bot.store.repo import Repo, open_repo
from tests.store.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves."""
    return FakeClock()


@pytest.fixture
async def repo(database_url: str, clock: FakeClock) -> AsyncIterator[Repo]:
    """A Repo over a freshly migrated database."""
    repo = await open_repo(database_url, clock=clock)
    try:
        yield repo
    finally:
        await repo.close()
