"""PostgreSQL LISTEN: work stored by any process or replica wakes this one's worker at once."""

import asyncio
import contextlib
import logging
from collections.abc import Callable

import psycopg
from psycopg import sql

from bot.store.database import WAKE_CHANNEL, async_url
from bot.tasks import cancelled

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 1.0
CONNECT_TIMEOUT_SECONDS = 10


def conninfo(url: str) -> str:
    """The libpq connection string of a configured PostgreSQL URL."""
    plain = async_url(url).set(drivername="postgresql")
    return plain.render_as_string(hide_password=False)


class PostgresWakeups:
    """Listens on the store's channel on a connection of its own; each notification calls
    `wake`. After a lost connection it reconnects and wakes once (a notification may have
    been missed meanwhile)."""

    def __init__(self, url: str, wake: Callable[[], None]) -> None:
        self._conninfo = conninfo(url)
        self._wake = wake
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    async def start(self) -> None:
        """Start listening; returns once LISTEN is in effect (or the first try failed)."""
        self._task = asyncio.create_task(self._listen_forever(), name="wakeups")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                await self._listening.wait()

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        await cancelled(self._task)
        self._task = None

    async def _listen_forever(self) -> None:
        """Listen; on failure log one line, wait a moment and listen again."""
        while True:
            try:
                await self._listen()
            except (psycopg.Error, OSError) as error:
                log.warning(
                    "listening for wake-ups failed (%s); reconnecting", type(error).__name__
                )
            self._listening.set()  # do not hold start() up: polling covers the gap
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen(self) -> None:
        """One connection's life: LISTEN, wake once, then wake on every notification."""
        connection = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
        )
        async with connection:
            await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(WAKE_CHANNEL)))
            self._listening.set()
            self._wake()
            async for _ in connection.notifies():
                self._wake()
