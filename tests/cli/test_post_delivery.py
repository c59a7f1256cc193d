"""`incident-bot post` sends through the engine: one line per target, exit 0 / 1 by outcome."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.process import run_cli, vendors_env
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_INCIDENT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.phare import PhareFake
from tests.fakes.replies import Reply
from tests.fakes.server import LoopbackServer

Fakes = tuple[PhareFake, ChecklyFake, dict[str, str]]
BOTH = ["--to", "phare:42", "--to", f"checkly:{CHECKLY_INCIDENT}"]


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    """Both provider fakes on loopback, and the environment pointing the bot at them."""
    phare = PhareFake(token=PHARE_TOKEN, incidents={42})
    checkly = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents={CHECKLY_INCIDENT})
    with LoopbackServer(phare.app) as p, LoopbackServer(checkly.app) as c:
        yield phare, checkly, vendors_env(p.url, c.url)


def _line(stdout: str, prefix: str) -> str:
    """The one output line about a target."""
    lines = [line for line in stdout.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, stdout
    return lines[0]


def test_both_accepted_exits_0_with_each_providers_update_id(tmp_path: Path, fakes: Fakes) -> None:
    phare, checkly, env = fakes
    result = run_cli(
        ["post", *BOTH, "--state", "identified", "--message", "Bad deploy rolled back"],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [applied_phare] = phare.applied(42)
    [applied_checkly] = checkly.applied(CHECKLY_INCIDENT)
    assert applied_phare["content"] == "Bad deploy rolled back"
    assert applied_checkly["status"] == "IDENTIFIED"
    assert f"update id {applied_phare['id']}" in _line(result.stdout, "phare:42")
    assert f"update id {applied_checkly['id']}" in _line(result.stdout, "checkly:")


def test_a_refusal_exits_1_in_the_vendors_words_and_the_other_still_goes(
    tmp_path: Path, fakes: Fakes
) -> None:
    phare, checkly, env = fakes
    phare.script(Reply.invalid({"content": ["The content may not contain links."]}))
    result = run_cli(
        ["post", *BOTH, "--state", "monitoring", "--message", "See http://x"],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 1
    refused = _line(result.stdout, "phare:42")
    assert "refused" in refused
    assert "The content may not contain links." in refused
    assert "accepted" in _line(result.stdout, "checkly:")
    assert len(phare.requests_to("POST")) == 1
    assert phare.applied(42) == []
    assert len(checkly.applied(CHECKLY_INCIDENT)) == 1


def test_a_passing_failure_is_retried_and_ends_accepted(tmp_path: Path, fakes: Fakes) -> None:
    phare, _, env = fakes
    phare.script(Reply.server_error(503, retry_after=1))
    result = run_cli(
        ["post", "--to", "phare:42", "--state", "monitoring", "--message", "Watching"],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accepted" in _line(result.stdout, "phare:42")
    creates = phare.requests_to("POST")
    assert len(creates) == 2
    assert creates[1].at - creates[0].at >= 1.0
    assert len(phare.applied(42)) == 1


def test_waiting_too_little_exits_1_and_says_the_update_is_stored(
    tmp_path: Path, fakes: Fakes
) -> None:
    phare, _, env = fakes
    phare.script(Reply.server_error(503, retry_after=30))
    result = run_cli(
        ["post", "--to", "phare:42", "--state", "monitoring", "--message", "x", "--wait", "1"],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 1
    line = _line(result.stdout, "phare:42")
    assert "not final yet" in line
    assert "incident-bot serve" in line
