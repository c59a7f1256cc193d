"""SQLite for SQLAlchemy's asyncio engine, run on the event loop's own thread.

aiosqlite runs every call (cursor, execute, fetch, close: four per statement) on a thread of
its own and waits for the answer through the event loop: about 0.5 ms per statement on this
kind of machine, plus GIL hand-overs, against a few microseconds for the statement itself on
a local file. This module offers the small part of aiosqlite's interface that SQLAlchemy's
`sqlite+aiosqlite` dialect uses, but runs each call inline, so the store keeps its asyncio
API (AsyncEngine, AsyncConnection) without the thread.

The one thing SQLite could wait for is another process's write lock. Connections are opened
with no busy timeout, so SQLite never sleeps on the loop's thread: a statement refused with
"database is locked" is retried after an asyncio sleep (the loop keeps serving) until
`lock_wait_seconds` have passed. A refused statement has not run, so trying it again is safe.
"""

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

# Another process's write transaction lasts a millisecond or two: look again soon.
FIRST_RETRY_SECONDS = 0.0002
LONGEST_RETRY_SECONDS = 0.01


def _locked(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds a lock (SQLITE_BUSY/LOCKED)."""
    return "locked" in str(error)


async def _until_unlocked(call: Callable[[], Any], lock_wait_seconds: float) -> Any:
    """Run `call`; while the database is locked, sleep without blocking the loop and retry."""
    deadline = time.monotonic() + lock_wait_seconds
    pause = FIRST_RETRY_SECONDS
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_RETRY_SECONDS)


class InlineCursor:
    """An aiosqlite-shaped cursor over a sqlite3 cursor."""

    def __init__(self, cursor: sqlite3.Cursor, lock_wait_seconds: float) -> None:
        self._cursor = cursor
        self._lock_wait = lock_wait_seconds

    async def __aenter__(self) -> "InlineCursor":
        """The cursor itself (SQLAlchemy enters each new cursor)."""
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close on leaving."""
        self._cursor.close()

    @property
    def description(self) -> Any:
        """Column descriptions of the last statement (None when it returned no rows)."""
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """Row id of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows fetchmany returns by default."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> "InlineCursor":
        """Run one statement (retried while another process holds the lock)."""
        await _until_unlocked(lambda: self._cursor.execute(sql, parameters), self._lock_wait)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> "InlineCursor":
        """Run one statement for each parameter set."""
        rows = list(parameters)
        await _until_unlocked(lambda: self._cursor.executemany(sql, rows), self._lock_wait)
        return self

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to `size` more rows."""
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Close the cursor."""
        self._cursor.close()

    async def setinputsizes(self, *sizes: Any) -> None:
        """Not used by SQLite."""


class InlineConnection:
    """An aiosqlite-shaped connection whose calls run inline on the caller's thread."""

    def __init__(self, connection: sqlite3.Connection, lock_wait_seconds: float) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._lock_wait = lock_wait_seconds

    @property
    def _connection(self) -> sqlite3.Connection | None:
        """The open sqlite3 connection (None once closed), as aiosqlite names it."""
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        """sqlite3's isolation level (None: SQLAlchemy's BEGIN is the only one emitted)."""
        return self._open().isolation_level

    def cursor(self) -> InlineCursor:
        """A new cursor (enter it with `async with` or await its __aenter__)."""
        return InlineCursor(self._open().cursor(), self._lock_wait)

    async def commit(self) -> None:
        """Commit (retried while the database is locked: the transaction stays open)."""
        connection = self._open()
        await _until_unlocked(connection.commit, self._lock_wait)

    async def rollback(self) -> None:
        """Roll back."""
        self._open().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register an SQL function."""
        self._open().create_function(*args, **kwargs)

    async def close(self) -> None:
        """Close (closing twice is harmless)."""
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _open(self) -> sqlite3.Connection:
        """The sqlite3 connection, or the error aiosqlite gives once it is closed."""
        if self._conn is None:
            raise ValueError("Connection closed")
        return self._conn


async def connect_inline(database: str, lock_wait_seconds: float) -> InlineConnection:
    """Open the file with no busy timeout (lock waits are asyncio sleeps, see above).

    Pass as `async_creator` to create_async_engine for a `sqlite+aiosqlite` URL.
    """
    connection = sqlite3.connect(database, timeout=0, isolation_level=None, check_same_thread=False)
    return InlineConnection(connection, lock_wait_seconds)
