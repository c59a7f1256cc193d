"""`incident-bot open`: bad arguments exit 2 and send nothing; an opening goes through the engine
and prints each incident as a target, or the vendor's words."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli_delivery import UsageError, exit_status
from bot.config import Settings, load_settings
from bot.domain.models import Refused, Source, Target
from bot.domain.operations import Impact, Operation
from bot.domain.states import ProviderName
from bot.open_incident import OpenArguments, build_opening, format_opening
from bot.store.repo import Repo
from tests.cli.process import run_cli
from tests.delivery.fakes import FakeProvider
from tests.delivery.helpers import make_engine
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer
from tests.store.clock import FakeClock

PAGE = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
CHECKLY_ON = {"CHECKLY_API_KEY": CHECKLY_KEY, "CHECKLY_ACCOUNT_ID": CHECKLY_ACCOUNT}
BOTH = {"PHARE_API_TOKEN": PHARE_TOKEN, **CHECKLY_ON, "CHECKLY_STATUS_PAGE_ID": PAGE}


def arguments(title: str = "Checkout is failing", **changes: object) -> OpenArguments:
    """`open --title TITLE`, with other options as given."""
    values: dict[str, object] = {
        "impact": None,
        "message": None,
        "vendors": (),
        "wait": 5.0,
        "dry_run": False,
    }
    values.update(changes)
    return OpenArguments(title=title, **values)  # type: ignore[arg-type]


def settings(env: dict[str, str]) -> Settings:
    """Settings from exactly these variables."""
    return load_settings(env)


@pytest.fixture
def phare_env() -> Iterator[tuple[PhareFake, dict[str, str]]]:
    """Phare on loopback (to see that nothing reaches it), and the environment naming it."""
    fake = PhareFake(token=PHARE_TOKEN, incidents={42})
    with LoopbackServer(fake.app) as server:
        yield fake, {"PHARE_API_TOKEN": PHARE_TOKEN, "PHARE_API_URL": server.url}


def test_no_vendor_able_to_open_exits_2_naming_the_variables(tmp_path: Path) -> None:
    result = run_cli(["open", "--title", "Checkout is failing"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "incident-bot open: No vendor on this bot can open an incident. "
        "Phare: set PHARE_API_TOKEN; Checkly: set CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and "
        "CHECKLY_STATUS_PAGE_ID."
    )


def test_bad_arguments_exit_2_each_named_and_nothing_is_sent(
    tmp_path: Path, phare_env: tuple[PhareFake, dict[str, str]]
) -> None:
    fake, env = phare_env
    args = ["open", "--title", "x" * 251, "--impact", "catastrophic", "--to", "statuspage"]
    result = run_cli([*args, "--message", " "], cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "incident-bot open: --to 'statuspage': name a vendor, phare or checkly",
        "incident-bot open: --impact 'catastrophic' is not an impact (valid: unknown, "
        "degraded_performance, partial_outage, major_outage)",
        "incident-bot open: --message: Write a message: it is empty.",
    ]
    result = run_cli(["open", "--title", "x" * 251, "--to", "phare"], cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "incident-bot open: --title: This title has 251 characters; Phare takes at most 250."
    )
    assert fake.requests_to("POST") == []


@pytest.mark.parametrize("wait", ["-1", "soon", "nan", "inf", "86401"])
def test_a_bad_wait_is_named_with_every_other_problem(
    tmp_path: Path, phare_env: tuple[PhareFake, dict[str, str]], wait: str
) -> None:
    fake, env = phare_env
    args = ["open", "--title", " ", "--impact", "catastrophic", "--wait", wait]
    result = run_cli(args, cwd=tmp_path, env=env)
    assert result.returncode == 2
    problems = [line.split(":", 2)[1].split()[0] for line in result.stderr.splitlines()]
    assert problems == ["--title", "--impact", "--wait"]
    assert fake.requests_to("POST") == []


def test_a_missing_title_or_bad_wait_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli(["open"], cwd=tmp_path).returncode == 2
    result = run_cli(["open", "--title", "x", "--wait", "-1"], cwd=tmp_path)
    assert result.returncode == 2
    assert "--wait" in result.stderr


def test_checkly_without_a_status_page_cannot_open() -> None:
    with pytest.raises(UsageError, match="--to checkly: set CHECKLY_STATUS_PAGE_ID, the page"):
        build_opening(arguments(vendors=("checkly",)), settings(CHECKLY_ON))
    with pytest.raises(UsageError, match=r"CHECKLY_STATUS_PAGE_ID \(and Checkly's key\)"):
        build_opening(arguments(vendors=("checkly",)), settings({"PHARE_API_TOKEN": "t"}))


def test_phare_named_but_off_is_refused_except_for_a_dry_run() -> None:
    with pytest.raises(UsageError, match="--to phare: Phare is not configured"):
        build_opening(arguments(vendors=("phare",)), settings({}))
    preview = build_opening(arguments(vendors=("phare",), dry_run=True), settings({}))
    assert preview.targets == (Target(ProviderName.PHARE, ""),)


def test_the_opening_carries_impact_message_monitors_and_the_default_vendors() -> None:
    env = {**BOTH, "PHARE_MONITOR_IDS": "7, 8", "CHECKLY_NOTIFY_SUBSCRIBERS": "true"}
    submission = build_opening(
        arguments(impact="Major-Outage", message="Payments time out"), settings(env)
    )
    assert submission.operation is Operation.OPEN
    assert submission.source is Source.CLI
    assert submission.targets == (
        Target(ProviderName.PHARE, ""),
        Target(ProviderName.CHECKLY, PAGE),
    )
    opening = submission.opening
    assert opening is not None
    assert (opening.impact, opening.message, opening.monitor_ids) == (
        Impact.MAJOR_OUTAGE,
        "Payments time out",
        (7, 8),
    )
    assert opening.notify_subscribers is True
    assert submission.update.content == "Payments time out"


async def test_each_incident_opened_is_printed_as_a_target(repo: Repo, clock: FakeClock) -> None:
    phare = FakeProvider(ProviderName.PHARE, clock=clock)
    checkly = FakeProvider(ProviderName.CHECKLY, clock=clock)
    engine = make_engine(repo, clock, None, phare, checkly)
    stored = await engine.submit(build_opening(arguments(), settings(BOTH)))
    reports = await engine.deliver_only(stored.id, timeout=5)
    phare_id = phare.incidents[""][0].id
    checkly_id = checkly.incidents[PAGE][0].id
    assert [format_opening(r) for r in reports] == [
        f"phare:{phare_id}  opened",
        f"checkly:{checkly_id}  opened",
    ]
    assert checkly_id.startswith(f"{PAGE}/")
    assert exit_status(reports) == 0


async def test_a_refusal_is_printed_in_the_vendors_words_and_exits_1(
    repo: Repo, clock: FakeClock
) -> None:
    phare = FakeProvider(ProviderName.PHARE, clock=clock)
    checkly = FakeProvider(ProviderName.CHECKLY, clock=clock)
    phare.script.append(Refused(403, "The platform:write permission is required."))
    engine = make_engine(repo, clock, None, phare, checkly)
    stored = await engine.submit(build_opening(arguments(), settings(BOTH)))
    reports = await engine.deliver_only(stored.id, timeout=5)
    lines = [format_opening(r) for r in reports]
    assert lines[0] == (
        "phare  refused after 1 attempt  Phare refused to open the incident (HTTP 403): "
        "The platform:write permission is required."
    )
    assert lines[1].endswith("  opened")
    assert exit_status(reports) == 1
