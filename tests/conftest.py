"""Shared fixtures: database URLs for SQLite and PostgreSQL (TEST_DATABASE_URL, else our own)."""

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from bot.store.repo import Repo, open_repo
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
    schema = sql.Identifier(f"test_{uuid.uuid4().hex[:16]}")
    await _run(base, sql.SQL("CREATE SCHEMA {}").format(schema))
    separator = "&" if "?" in base else "?"
    options = quote(f"-csearch_path={schema.as_string()}")
    try:
        yield f"{base}{separator}options={options}"
    finally:
        drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema)
        # A connection a failed test left open may hold a lock: leave the schema rather than hang.
        with contextlib.suppress(psycopg.errors.LockNotAvailable):
            await _run(base, drop, lock_timeout="10s")


async def _run(url: str, statement: sql.Composed, lock_timeout: str = "0") -> None:
    """Run one statement on its own autocommit connection."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(lock_timeout)))
        await conn.execute(statement)


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
