"""End-to-end fixtures: fakes on loopback, the real `serve` process, and the store it writes."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store.repo import Repo, open_repo
from tests.conftest import postgres_schema
from tests.e2e.harness import Stack
from tests.e2e.test_make_run import ServeProcess


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """Fakes of Slack, Phare and Checkly; bots started by the test share one SQLite file."""
    with Stack(tmp_path) as running:
        yield running


@pytest.fixture
async def store(stack: Stack) -> AsyncIterator[Repo]:
    """The stack's database as the bot sees it, migrated, for reading delivery rows."""
    repo = await open_repo(stack.database_url)
    try:
        yield repo
    finally:
        await repo.close()


@pytest.fixture
def serving() -> Iterator[list[ServeProcess]]:
    """Serve processes started by a test, always stopped afterwards."""
    started: list[ServeProcess] = []
    yield started
    for process in started:
        process.stop()


@pytest.fixture
async def postgres_stack(tmp_path: Path, postgres_server: str) -> AsyncIterator[Stack]:
    """The fakes, with bots sharing a fresh PostgreSQL schema."""
    async with postgres_schema(postgres_server) as url:
        with Stack(tmp_path, database_url=url) as stack:
            yield stack
