"""Turn a configured database URL into an AsyncEngine tuned for SQLite or PostgreSQL."""

import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.store.timeutil import Clock, utc_now

SQLITE_BUSY_TIMEOUT_MS = 15_000
WAL_RETRY_SECONDS = 0.02
# Execution option marking a connection that only reads (SQLite begins it without a lock).
READ_ONLY = "incident_bot_read_only"
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10
# The PostgreSQL channel on which stored work wakes the workers (the wake-up carries no data).
WAKE_CHANNEL = "incident_bot_work"


class UnsupportedDatabase(ValueError):
    """The URL names a database the store does not speak."""


def async_url(url: str) -> URL:
    """The async-driver form of a `sqlite://` or `postgresql://` URL."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise UnsupportedDatabase(f"unsupported database {backend!r}: use sqlite or postgresql")


def make_engine(url: str, **options: Any) -> AsyncEngine:
    """An AsyncEngine for the URL: SQLite in WAL mode, or PostgreSQL with a modest pool."""
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        return _sqlite_engine(target, options)
    defaults: dict[str, Any] = {
        "pool_size": 5,
        "max_overflow": 10,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "pool_timeout": 10,
        "connect_args": {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS},
    }
    return create_async_engine(target, **(defaults | options))


def is_sqlite(engine: AsyncEngine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _sqlite_engine(target: URL, options: dict[str, Any]) -> AsyncEngine:
    """SQLite through aiosqlite in WAL mode: readers never wait, one writer at a time.

    One pooled connection per process (SQLAlchemy's own queue pool): SQLite has one writer
    at a time anyway, and work queues in order for it instead of many connections racing
    for the file lock. Writers begin IMMEDIATE (another process's lock is waited for up to
    the busy timeout), readers begin deferred.
    """
    # Named, not left to the dialect: before SQLAlchemy 2.0.38 aiosqlite's default was NullPool.
    defaults = {
        "poolclass": AsyncAdaptedQueuePool,
        "pool_size": 1,
        "max_overflow": 0,
        "pool_timeout": 30,
    }
    engine = create_async_engine(target, **(defaults | options))
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        """Configure each new connection; SQLAlchemy emits BEGIN itself (see `_on_begin`)."""
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        """Writers take the write lock up front; readers take none (WAL gives a snapshot)."""
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    @event.listens_for(sync_engine, "invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _error: BaseException | None) -> None:
        """End the transaction of a connection given up mid-statement (a cancelled task).

        SQLite closes a connection whose statement is still open only once that statement is
        collected, and keeps its write lock until then; a rollback releases it at once.
        """
        with contextlib.suppress(Exception):
            dbapi_connection.rollback()

    return engine


def insert_for(engine: AsyncEngine, table: Table) -> "sqlite.Insert | postgresql.Insert":
    """An INSERT supporting ON CONFLICT, in the engine's dialect."""
    if is_sqlite(engine):
        return sqlite.insert(table)
    return postgresql.insert(table)


async def notify_workers(conn: AsyncConnection) -> None:
    """On PostgreSQL, wake every listening worker when this transaction commits."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})


class Queries:
    """Base for query groups: holds the engine and the clock, and opens connections."""

    def __init__(self, engine: AsyncEngine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection for reading (on SQLite, without the write lock)."""
        async with self.engine.connect() as conn:
            await conn.execution_options(**{READ_ONLY: True})
            yield conn

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction, committed on leaving (rolled back on an error)."""
        async with self.engine.begin() as conn:
            yield conn


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once; a fresh file raced by another connection is retried.

    Changing the journal mode needs the file to itself and SQLite does not wait for that
    through busy_timeout, so two connections opening a new file at once would otherwise fail.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_SECONDS)
