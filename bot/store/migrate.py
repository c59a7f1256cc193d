"""Apply the Alembic migrations shipped inside the package, safely from several processes."""

import asyncio
import weakref
from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.database import is_sqlite

# An arbitrary constant naming the migration lock among PostgreSQL advisory locks.
_ADVISORY_LOCK_KEY = 0x1BC1_DE47_0B07


# Alembic keeps its running context in module globals, so one process migrates one at a time.
_LOCKS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = (
    weakref.WeakKeyDictionary()
)


def migrations_dir() -> str:
    """The migrations directory as installed with the package (no cwd-relative alembic.ini)."""
    return str(files("bot.store") / "migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", migrations_dir())
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database to `revision` in one transaction, holding a lock while doing so."""
    lock = _LOCKS.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock, engine.connect() as connection:
        if not is_sqlite(engine):
            # Released at commit; a second process waits here, then finds nothing to do.
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY}
            )
        # On SQLite the transaction began IMMEDIATE: the write lock is ours until commit.
        await connection.run_sync(_upgrade, revision)
        await connection.commit()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


def _upgrade(connection: Connection, revision: str) -> None:
    """Run Alembic's upgrade on an open connection (inside the caller's transaction)."""
    command.upgrade(alembic_config(connection), revision)


def _current(connection: Connection) -> str | None:
    """Read the revision stamped in the database."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
