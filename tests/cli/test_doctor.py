"""`incident-bot doctor`: one line per check, failures named, secrets never printed."""

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bot.store.database import make_engine
from bot.store.migrate import current_revision, migrate, packaged_head
from tests.cli.process import run_cli
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_INCIDENT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.fakes.slack import FakeSlack

SIGNING_SECRET = "doctor-signing-secret-1234"
STATUS_PAGE = "6d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


@pytest.fixture
def checkly() -> ChecklyFake:
    """The Checkly fake, with the status page STATUS_PAGE."""
    fake = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents={CHECKLY_INCIDENT})
    fake.add_status_page(STATUS_PAGE)
    return fake


@pytest.fixture
def environment(checkly: ChecklyFake) -> Iterator[dict[str, str]]:
    """Fakes of Slack, Phare and Checkly, and the variables pointing the bot at them."""
    phare = PhareFake(token=PHARE_TOKEN, incidents={42})
    with FakeSlack() as slack, LoopbackServer(phare.app) as p, LoopbackServer(checkly.app) as c:
        yield {
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "PHARE_API_TOKEN": PHARE_TOKEN,
            "PHARE_API_URL": p.url,
            "CHECKLY_API_KEY": CHECKLY_KEY,
            "CHECKLY_ACCOUNT_ID": CHECKLY_ACCOUNT,
            "CHECKLY_API_URL": c.url,
        }


def _lines(output: str) -> dict[str, list[str]]:
    """Doctor's lines grouped by check name."""
    grouped: dict[str, list[str]] = {}
    for line in output.splitlines():
        verdict, _, rest = line.partition(" ")
        name = rest.split()[0] if rest.split() else ""
        grouped.setdefault(name, []).append(f"{verdict} {rest.strip()}")
    return grouped


def _no_secrets(text: str, env: dict[str, str]) -> None:
    """None of the configured secrets appears in the text."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PHARE_API_TOKEN", "CHECKLY_API_KEY"):
        assert env[name] not in text, name


def test_every_check_passes_with_good_credentials(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = _lines(result.stdout)
    assert set(lines) >= {"config", "slack", "phare", "checkly", "database"}
    assert all(line.startswith("ok ") for group in lines.values() for line in group)
    assert "@" in " ".join(lines["slack"])
    _no_secrets(result.stdout + result.stderr, environment)


def test_a_missing_sqlite_file_is_reported_and_not_created(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    environment["DATABASE_URL"] = f"sqlite:///{home / 'bot.db'}"
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert list(home.iterdir()) == []
    assert result.returncode == 0, result.stdout + result.stderr
    [database] = _lines(result.stdout)["database"]
    assert database.startswith("ok ")
    assert "does not exist yet; `serve` creates it" in database


async def _migrated(url: str, revision: str) -> None:
    """Migrate the database at `url` to `revision`."""
    engine = make_engine(url)
    try:
        await migrate(engine, revision)
    finally:
        await engine.dispose()


async def _revision(url: str) -> str | None:
    """The revision the database at `url` is at."""
    engine = make_engine(url)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


def test_an_outdated_sqlite_schema_is_reported_not_migrated(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    asyncio.run(_migrated(url, "0001"))
    environment["DATABASE_URL"] = url
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert asyncio.run(_revision(url)) == "0001"
    assert result.returncode == 0, result.stdout + result.stderr
    [database] = _lines(result.stdout)["database"]
    assert f"schema at revision 0001, behind {packaged_head()}; `serve` migrates it" in database


def test_a_schema_newer_than_this_version_fails_its_line(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    asyncio.run(_migrated(url, "head"))
    with contextlib.closing(sqlite3.connect(tmp_path / "new.db")) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    environment["DATABASE_URL"] = url
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 1
    [database] = _lines(result.stdout)["database"]
    assert database.startswith("FAIL")
    assert "revision 0099, which this version of incident-bot does not know" in database


def test_a_postgresql_database_without_tables_has_none_after_doctor(
    tmp_path: Path, environment: dict[str, str], postgres_url: str
) -> None:
    environment["DATABASE_URL"] = postgres_url
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
    assert tables == []
    assert result.returncode == 0, result.stdout + result.stderr
    [database] = _lines(result.stdout)["database"]
    assert "reachable, no tables yet; `serve` migrates it when it starts" in database


def test_a_current_postgresql_schema_is_ok(
    tmp_path: Path, environment: dict[str, str], postgres_url: str
) -> None:
    asyncio.run(_migrated(postgres_url, "head"))
    environment["DATABASE_URL"] = postgres_url
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    [database] = _lines(result.stdout)["database"]
    assert database.startswith("ok ")
    assert f"reachable, schema at revision {packaged_head()}" in database


@pytest.mark.parametrize(
    ("variable", "check", "said"),
    [
        ("PHARE_API_TOKEN", "phare", "PHARE_API_TOKEN"),
        ("CHECKLY_API_KEY", "checkly", "CHECKLY_API_KEY"),
        ("SLACK_BOT_TOKEN", "slack", "invalid_auth"),
    ],
)
def test_a_refused_credential_fails_its_line_and_the_command(
    tmp_path: Path, environment: dict[str, str], variable: str, check: str, said: str
) -> None:
    prefix = "xoxb-" if variable == "SLACK_BOT_TOKEN" else ""
    environment[variable] = f"{prefix}wrong-secret-value"
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 1
    failing = [line for line in _lines(result.stdout)[check] if line.startswith("FAIL")]
    assert len(failing) == 1
    assert said in failing[0]
    assert "wrong-secret-value" not in result.stdout + result.stderr


def test_a_checkly_key_for_another_account_is_reported_in_checklys_words(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    environment["CHECKLY_ACCOUNT_ID"] = "11111111-2222-4333-8444-555555555555"
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 1
    assert "You do not have access to this account" in result.stdout


def test_providers_that_are_off_are_skipped_not_failed(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    for name in ("PHARE_API_TOKEN", "CHECKLY_API_KEY", "CHECKLY_ACCOUNT_ID"):
        del environment[name]
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 0, result.stdout
    lines = _lines(result.stdout)
    assert lines["phare"][0].startswith("skip")
    assert lines["checkly"][0].startswith("skip")


def test_an_unreachable_database_fails_its_line_with_the_password_hidden(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    environment["DATABASE_URL"] = "postgresql://bot:hunter2-db-pass@127.0.0.1:9/incidents"
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 1
    database = _lines(result.stdout)["database"][0]
    assert database.startswith("FAIL")
    assert "hunter2-db-pass" not in result.stdout + result.stderr


def test_a_configured_status_page_is_read_and_nothing_else(
    tmp_path: Path, environment: dict[str, str], checkly: ChecklyFake
) -> None:
    environment["CHECKLY_STATUS_PAGE_ID"] = STATUS_PAGE.upper()
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    [page_line] = [line for line in _lines(result.stdout)["checkly"] if "status page" in line]
    assert page_line == f"ok checkly   status page {STATUS_PAGE} is readable"
    assert [(r.method, r.path) for r in checkly.requests_to("GET", "/v3/")] == [
        ("GET", f"/v3/status-pages/{STATUS_PAGE}")
    ]
    assert not [r for r in checkly.requests if r.method != "GET"]


def test_an_unknown_status_page_fails_its_line(tmp_path: Path, environment: dict[str, str]) -> None:
    unknown = "00000000-1111-4222-8333-444444444444"
    environment["CHECKLY_STATUS_PAGE_ID"] = unknown
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 1
    checkly = _lines(result.stdout)["checkly"]
    assert checkly[0].startswith("ok ")  # the key itself is fine
    assert checkly[1].startswith("FAIL")
    assert f"status page {unknown} was not found" in checkly[1]


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("CHECKLY_API_KEY", "wrong-secret-value", "the API key was refused; check CHECKLY_API_KEY"),
        (
            "CHECKLY_ACCOUNT_ID",
            "11111111-2222-4333-8444-555555555555",
            "You do not have access to this account",
        ),
        ("CHECKLY_API_URL", "http://127.0.0.1:9", "Could not connect to Checkly"),
    ],
    ids=["401", "403", "unreachable"],
)
def test_a_status_page_that_cannot_be_read_says_why(
    tmp_path: Path, environment: dict[str, str], variable: str, value: str, said: str
) -> None:
    environment["CHECKLY_STATUS_PAGE_ID"] = STATUS_PAGE
    environment[variable] = value
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert result.returncode == 1
    checkly = _lines(result.stdout)["checkly"]
    assert len(checkly) == 2, result.stdout
    page_line = checkly[1]
    assert page_line.startswith("FAIL")
    assert f"status page {STATUS_PAGE} could not be read: " in page_line
    assert said in page_line
    assert "wrong-secret-value" not in result.stdout + result.stderr


def test_without_a_status_page_id_doctor_prints_no_line_for_it(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    result = run_cli(["doctor"], cwd=tmp_path, env=environment)
    assert not any("status page" in line for line in result.stdout.splitlines())
