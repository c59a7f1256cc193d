"""Shared fixtures: database URLs for SQLite (always) and PostgreSQL (TEST_DATABASE_URL)."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.store.repo import Repo, open_repo
from tests.postgres import fresh_schema
from tests.store.clock import FakeClock

POSTGRES_ENV = "TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL to an empty database of each kind: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    async with postgres_schema() as url:
        yield url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A URL to a fresh PostgreSQL schema (skipped when TEST_DATABASE_URL is unset)."""
    async with postgres_schema() as url:
        yield url


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A URL whose search_path is a new, empty schema, dropped afterwards (skips without PG)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped")
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
