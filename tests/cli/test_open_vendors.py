"""`incident-bot open` against the loopback vendors: both open and print their incidents as
targets; a refusal reads in the vendor's words; a dry run prints the requests and sends nothing."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.process import run_cli, vendors_env
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_KEY, CHECKLY_PAGE, PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.replies import Reply
from tests.fakes.server import LoopbackServer

Fakes = tuple[PhareFake, ChecklyFake, dict[str, str]]
OPEN = ["open", "--title", "Checkout is failing", "--impact", "major-outage"]


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    """Both vendors on loopback, the Checkly status page known, the environment naming them."""
    phare = PhareFake(token=PHARE_TOKEN, incidents=())
    checkly = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents=())
    checkly.add_status_page(CHECKLY_PAGE)
    with LoopbackServer(phare.app) as p, LoopbackServer(checkly.app) as c:
        env = vendors_env(p.url, c.url, PHARE_MONITOR_IDS="7", CHECKLY_STATUS_PAGE_ID=CHECKLY_PAGE)
        yield phare, checkly, env


def test_both_vendors_open_and_each_incident_is_printed_as_a_target(
    tmp_path: Path, fakes: Fakes
) -> None:
    phare, checkly, env = fakes
    result = run_cli([*OPEN, "--message", "Payments time out"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    [at_phare] = phare.incidents()
    [at_checkly] = checkly.incidents_on(CHECKLY_PAGE)
    assert result.stdout.splitlines() == [
        f"phare:{at_phare['id']}  opened",
        f"checkly:{CHECKLY_PAGE}/{at_checkly['id']}  opened",
    ]
    assert (at_phare["title"], at_phare["impact"], at_phare["monitors"]) == (
        "Checkout is failing",
        "major_outage",
        [7],
    )
    assert at_checkly["name"] == "Checkout is failing"


def test_a_refusal_exits_1_in_the_vendors_words_and_the_other_still_opens(
    tmp_path: Path, fakes: Fakes
) -> None:
    phare, checkly, env = fakes
    phare.script_to("open", Reply.invalid({"title": ["The title has already been taken."]}))
    result = run_cli(OPEN, cwd=tmp_path, env=env)
    assert result.returncode == 1
    phare_line, checkly_line = result.stdout.splitlines()
    assert phare_line.startswith(
        "phare  refused after 1 attempt  Phare refused to open the incident (HTTP 422):"
    )
    assert "The title has already been taken." in phare_line
    assert phare.incidents() == []
    [at_checkly] = checkly.incidents_on(CHECKLY_PAGE)
    assert checkly_line == f"checkly:{CHECKLY_PAGE}/{at_checkly['id']}  opened"


def test_only_the_vendor_named_opens(tmp_path: Path, fakes: Fakes) -> None:
    phare, checkly, env = fakes
    result = run_cli([*OPEN, "--to", "checkly"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    [at_checkly] = checkly.incidents_on(CHECKLY_PAGE)
    assert result.stdout == f"checkly:{CHECKLY_PAGE}/{at_checkly['id']}  opened\n"
    assert phare.requests == []


def test_a_dry_run_prints_each_request_and_sends_nothing(tmp_path: Path, fakes: Fakes) -> None:
    phare, checkly, env = fakes
    result = run_cli([*OPEN, "--dry-run"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "POST http://127.0.0.1:" in out
    assert "/uptime/incidents\n" in out
    assert f"/v3/status-pages/{CHECKLY_PAGE}/incidents\n" in out
    assert out.count("Authorization: Bearer ***") == 2
    assert PHARE_TOKEN not in out
    assert CHECKLY_KEY not in out
    bodies = [json.loads(part[part.index("\n{") :]) for part in out.split("\n\nPOST ")]
    assert bodies[0]["title"] == "Checkout is failing"
    assert bodies[0]["monitors"] == [7]
    assert bodies[1]["name"] == "Checkout is failing"
    assert bodies[1]["incidentUpdates"][0]["status"] == "INVESTIGATING"
    assert phare.requests == []
    assert checkly.requests == []
