"""Turn a configured database URL into an AsyncEngine tuned for SQLite or PostgreSQL."""

import contextlib
import functools
import sqlite3
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.store.inline_sqlite import InlineConnection, connect_inline
from bot.store.priority import PriorityQueuePool
from bot.store.timeutil import Clock, utc_now

SQLITE_BUSY_TIMEOUT_MS = 15_000
WAL_RETRY_SECONDS = 0.02
# Execution option marking a connection that only reads (SQLite begins it without a lock).
READ_ONLY = "incident_bot_read_only"
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10


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
    """SQLite with WAL, foreign keys, a busy timeout, and write transactions begun IMMEDIATE.

    One pooled connection: SQLite has one writer at a time anyway, and coroutines queue for
    the connection instead of polling the file lock (busy_timeout sleeps add up fast). The
    queue serves people's requests first (see bot.store.priority). Statements run on the
    event loop's thread, lock waits as asyncio sleeps (see bot.store.inline_sqlite).
    """
    lock_wait = SQLITE_BUSY_TIMEOUT_MS / 1000
    defaults: dict[str, Any] = {
        "pool_size": 1,
        "max_overflow": 0,
        "pool_timeout": 30,
        "poolclass": PriorityQueuePool,
        "async_creator": functools.partial(connect_inline, target.database or "", lock_wait),
    }
    engine = create_async_engine(target, **(defaults | options))
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        """Configure each new connection; SQLAlchemy emits BEGIN itself (see `_on_begin`)."""
        if dbapi_connection.isolation_level is not None:
            dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_busy_timeout_ms(dbapi_connection)}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        """Writers take the write lock up front (so they wait instead of failing); readers
        take none (WAL gives them a snapshot while another process writes)."""
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def _busy_timeout_ms(dbapi_connection: Any) -> int:
    """No SQLite sleeps for connections that wait for locks in asyncio instead."""
    inline = isinstance(dbapi_connection.driver_connection, InlineConnection)
    return 0 if inline else SQLITE_BUSY_TIMEOUT_MS


def insert_for(engine: AsyncEngine, table: Table) -> "sqlite.Insert | postgresql.Insert":
    """An INSERT supporting ON CONFLICT, in the engine's dialect."""
    if is_sqlite(engine):
        return sqlite.insert(table)
    return postgresql.insert(table)


class Queries:
    """Base for query groups: holds the engine and the clock, and opens connections."""

    def __init__(self, engine: AsyncEngine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._inline = is_sqlite(engine)

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection for reading, returned to the pool on leaving."""
        async with self._connection(read_only=True) as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def _connection(self, *, read_only: bool) -> AsyncIterator[AsyncConnection]:
        """A pooled connection, returned to the pool on leaving.

        SQLAlchemy's own `async with engine.connect()` closes the connection in a task of its
        own (so a cancelled caller cannot abandon the close halfway), which costs a turn of
        the event loop per use. SQLite's statements run inline and its close cannot be
        interrupted, so its connections are closed right here.
        """
        if not self._inline:
            async with self.engine.connect() as conn:
                yield conn
            return
        conn = self.engine.connect()
        await conn.start()
        if read_only:
            await conn.execution_options(**{READ_ONLY: True})
        try:
            yield conn
        finally:
            await conn.close()

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction, committed on leaving (rolled back on an error)."""
        async with self._connection(read_only=False) as conn, conn.begin():
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
