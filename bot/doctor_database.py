"""`doctor`'s database check: connect and read the schema's revision; never create or migrate."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.store.database import POSTGRES_CONNECT_TIMEOUT_SECONDS, async_url
from bot.store.migrate import alembic_config, current_revision

SERVE_MIGRATES = "`serve` migrates it when it starts"


@dataclass(frozen=True)
class DatabaseFinding:
    """What doctor found: whether it is a failure, and a line saying what and where."""

    failed: bool
    detail: str


async def inspect_database(url: str) -> DatabaseFinding:
    """Read the database's schema revision without writing anything, and say what it means."""
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        target = async_url(url)
        if target.get_backend_name() == "sqlite":
            read_only = _read_only_sqlite(target)
            if read_only is None:
                return DatabaseFinding(False, f"{shown} does not exist yet; `serve` creates it")
            target = read_only
        revision = await _stamped_revision(target)
    except Exception as error:
        said = " ".join(str(error).split())[:200]
        return DatabaseFinding(True, f"{shown}: {type(error).__name__}: {said}")
    return _verdict(shown, revision)


def _read_only_sqlite(target: URL) -> URL | None:
    """The SQLite file opened read-only (`mode=ro`: SQLite neither creates nor writes it),
    or None when there is no such file."""
    path = Path(target.database or "")
    if not target.database or not path.is_file():
        return None
    uri = path.resolve().as_uri()
    return make_url("sqlite+aiosqlite://").set(database=uri, query={"mode": "ro", "uri": "true"})


async def _stamped_revision(target: URL) -> str | None:
    """The Alembic revision stamped in the database (None: no schema), read on a connection
    of its own; PostgreSQL's transactions are read-only, SQLite's file is opened read-only."""
    options: dict[str, Any] = {"poolclass": NullPool}
    if target.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS}
        options["execution_options"] = {"postgresql_readonly": True}
    engine = create_async_engine(target, **options)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


def _verdict(shown: str, revision: str | None) -> DatabaseFinding:
    """The revision compared with the packaged migrations."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    if revision is None:
        return DatabaseFinding(False, f"{shown} reachable, no tables yet; {SERVE_MIGRATES}")
    if revision == head:
        return DatabaseFinding(False, f"{shown} reachable, schema at revision {revision}")
    try:
        scripts.get_revision(revision)
    except CommandError:
        return DatabaseFinding(
            True,
            f"{shown} has schema revision {revision}, which this version of incident-bot does "
            f"not know (it knows up to {head}): was it migrated by a newer version?",
        )
    return DatabaseFinding(
        False, f"{shown} reachable, schema at revision {revision}, behind {head}; {SERVE_MIGRATES}"
    )
