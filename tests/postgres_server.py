"""A throwaway PostgreSQL server for the tests, started with pytest-postgresql's executor."""

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import port_for
import pytest
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor

SERVER_USER = "postgres"
DATABASE = "incident_bot_tests"
AS_SERVER_USER = Path(__file__).with_name("pg_ctl_as_postgres")
# A server that lives as long as the test run: durability only slows it down.
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a fresh PostgreSQL with initdb/pg_ctl; yield its URL; stop and delete it after.

    Skips, saying why, when initdb or pg_ctl is not on PATH. As root (PostgreSQL refuses to run
    as root) the server runs as the `postgres` OS user, through runuser.
    """
    pg_ctl = _pg_ctl()
    directory = Path(tempfile.mkdtemp(prefix="incident-bot-postgres-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(directory, SERVER_USER)
        port = port_for.select_random()
        server = PostgreSQLExecutor(
            executable=pg_ctl,
            host="127.0.0.1",
            port=port,
            datadir=str(directory / "data"),
            unixsocketdir=str(directory),
            logfile=str(directory / "server.log"),
            startparams="-w",
            dbname=DATABASE,
            postgres_options=FAST_SETTINGS,
        )
        with server:
            # Connecting is retried: the port opens before the server accepts sessions.
            DatabaseJanitor(user=server.user, host=server.host, port=port, dbname=DATABASE).init()
            yield f"postgresql://{server.user}@{server.host}:{port}/{DATABASE}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _pg_ctl() -> str:
    """The pg_ctl to start the server with, or a skip naming what is missing."""
    missing = [name for name in ("initdb", "pg_ctl") if shutil.which(name) is None]
    if missing:
        pytest.skip(
            f"TEST_DATABASE_URL is unset and {', '.join(missing)} not found on PATH: "
            "PostgreSQL tests skipped"
        )
    if os.geteuid() != 0:
        return str(shutil.which("pg_ctl"))
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        pytest.skip(f"running as root and there is no {SERVER_USER!r} OS user to run PostgreSQL")
    if shutil.which("runuser") is None:
        pytest.skip("running as root and runuser is not on PATH to run PostgreSQL as postgres")
    return str(AS_SERVER_USER)
