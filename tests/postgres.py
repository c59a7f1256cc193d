"""A fresh PostgreSQL schema for one test or bench run: created, named in the URL, dropped."""

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import psycopg
from psycopg import sql


@asynccontextmanager
async def fresh_schema(base: str) -> AsyncIterator[str]:
    """A URL whose search_path is a new, empty schema of `base`'s database, dropped afterwards."""
    schema = sql.Identifier(f"test_{uuid.uuid4().hex[:16]}")
    await _run(base, sql.SQL("CREATE SCHEMA {}").format(schema))
    separator = "&" if "?" in base else "?"
    options = quote(f"-csearch_path={schema.as_string()}")
    try:
        yield f"{base}{separator}options={options}"
    finally:
        drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema)
        # A connection a failed run left open may hold a lock: leave the schema rather than hang.
        with contextlib.suppress(psycopg.errors.LockNotAvailable):
            await _run(base, drop, lock_timeout="10s")


async def _run(url: str, statement: sql.Composed, lock_timeout: str = "0") -> None:
    """Run one statement on its own autocommit connection."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(lock_timeout)))
        await conn.execute(statement)
