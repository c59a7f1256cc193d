"""Shared fixtures: database URLs for SQLite and PostgreSQL (TEST_DATABASE_URL, else our own)."""

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.store.repo import Repo, open_repo
from tests.postgres import fresh_schema
from tests.postgres_server import throwaway_postgres
from tests.store.clock import FakeClock

POSTGRES_ENV = "TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL to an empty database of each kind: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    async with postgres_schema(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server's URL: TEST_DATABASE_URL when set, else a throwaway one of our own."""
    base = os.environ.get(POSTGRES_ENV)
    if base:
        yield base
        return
    with throwaway_postgres() as url:
        yield url


@asynccontextmanager
async def postgres_schema(base: str) -> AsyncIterator[str]:
    """A URL on the server at `base` whose search_path is a new, empty schema, dropped after."""
    async with fresh_schema(base) as url:
        yield url


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
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A URL to a fresh, empty PostgreSQL schema."""
    async with postgres_schema(postgres_server) as url:
        yield url
