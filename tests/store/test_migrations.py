"""Migrations: shipped with the package, idempotent, matching the tables the code uses."""

import asyncio
import sqlite3
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, event, inspect

from bot.store.database import async_url, make_engine
from bot.store.migrate import current_revision, migrate, migrations_dir
from bot.store.schema import metadata

EXPECTED_TABLES = {
    "bindings",
    "binding_targets",
    "updates",
    "deliveries",
    "seen_events",
    "reminders",
}


# `serve` alone runs two (it forks its delivery process), and replicas may start together.
MIGRATING_PROCESSES = 6


def _diff(connection: Connection) -> list[object]:
    """Differences between the migrated database and the code's table definitions."""
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


def _tables(connection: Connection) -> set[str]:
    """Table names in the database."""
    return set(inspect(connection).get_table_names())


async def test_migrate_creates_every_table_and_matches_the_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert await current_revision(engine) is None
        await migrate(engine)
        await migrate(engine)  # a second run finds nothing to do
        assert await current_revision(engine) is not None
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) >= EXPECTED_TABLES
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_every_step_is_applied_in_one_transaction(database_url: str) -> None:
    """Another process never sees the database between two migration steps."""
    engine = make_engine(database_url)
    commits: list[object] = []
    event.listen(engine.sync_engine, "commit", commits.append)
    try:
        await migrate(engine)
        assert await current_revision(engine) is not None
        assert len(commits) == 1
    finally:
        await engine.dispose()


async def test_concurrent_migrations_in_one_process_both_succeed(database_url: str) -> None:
    first, second = make_engine(database_url), make_engine(database_url)
    try:
        await asyncio.gather(migrate(first), migrate(second))
        assert await current_revision(first) == await current_revision(second) is not None
    finally:
        await first.dispose()
        await second.dispose()


async def test_processes_migrating_at_once_all_succeed(database_url: str, tmp_path: Path) -> None:
    """Processes started together (as `serve` and its delivery process are) all migrate."""
    go = tmp_path / "go"
    script = (
        "import asyncio, os, sys, time\n"
        "from bot.store.database import make_engine\n"
        "from bot.store.migrate import migrate\n"
        "engine = make_engine(sys.argv[1])\n"
        "print('ready', flush=True)\n"
        "while not os.path.exists(sys.argv[2]):\n"
        "    time.sleep(0.0005)\n"
        "asyncio.run(migrate(engine))\n"
    )
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, database_url, str(go), stdout=asyncio.subprocess.PIPE
        )
        for _ in range(MIGRATING_PROCESSES)
    ]
    for process in processes:  # every one imported and waiting: they start at the same moment
        assert process.stdout is not None
        assert await process.stdout.readline() == b"ready\n"
    go.touch()
    codes = await asyncio.gather(*(p.wait() for p in processes))
    assert codes == [0] * MIGRATING_PROCESSES
    engine = make_engine(database_url)
    try:
        assert await current_revision(engine) is not None
    finally:
        await engine.dispose()


def test_migrations_are_found_inside_the_package_not_the_working_directory() -> None:
    location = Path(migrations_dir())
    assert location.is_relative_to(Path(__file__).parents[2] / "bot")
    assert (location / "env.py").is_file()
    assert any((location / "versions").glob("*.py"))


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert async_url(f"sqlite:///{path}").drivername == "sqlite+aiosqlite"
    assert async_url("postgres://u@h/db").drivername == "postgresql+psycopg"
