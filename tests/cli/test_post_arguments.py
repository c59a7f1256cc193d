"""`incident-bot post`: dry runs print exact requests; bad arguments exit 2, send nothing."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.process import run_cli, vendors_env
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import (
    CHECKLY_ACCOUNT,
    CHECKLY_INCIDENT,
    CHECKLY_KEY,
    PHARE_TOKEN,
)
from tests.fakes.phare import PhareFake
from tests.fakes.server import LoopbackServer


@pytest.fixture
def fakes() -> Iterator[tuple[PhareFake, ChecklyFake, dict[str, str]]]:
    """Both provider fakes on loopback, and the environment pointing the bot at them."""
    phare = PhareFake(token=PHARE_TOKEN, incidents={42})
    checkly = ChecklyFake(key=CHECKLY_KEY, account=CHECKLY_ACCOUNT, incidents={CHECKLY_INCIDENT})
    with LoopbackServer(phare.app) as p, LoopbackServer(checkly.app) as c:
        yield phare, checkly, vendors_env(p.url, c.url)


def test_dry_run_prints_both_requests_as_the_vendors_specify(tmp_path: Path) -> None:
    result = run_cli(
        [
            "post",
            "--to",
            "phare:42",
            "--to",
            f"checkly:{CHECKLY_INCIDENT.upper()}",
            "--state",
            "monitoring",
            "--message",
            "x",
            "--dry-run",
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "POST https://api.phare.io/uptime/incidents/42/updates" in out
    assert f"POST https://api.checklyhq.com/v1/incidents/{CHECKLY_INCIDENT}/updates" in out
    assert out.count("Authorization: Bearer ***") == 2
    assert "x-checkly-account: <CHECKLY_ACCOUNT_ID>" in out
    assert out.count("Content-Type: application/json") == 2
    bodies = [json.loads(b) for b in _json_bodies(out)]
    assert bodies == [
        {"state": "monitoring", "content": "x"},
        {"status": "MONITORING", "description": "x"},
    ]
    assert "not configured" in out


def _json_bodies(out: str) -> list[str]:
    """The JSON bodies in dry-run output (each starts at a line '{' and ends at '}')."""
    bodies, current = [], None
    for line in out.splitlines():
        if line == "{":
            current = [line]
        elif current is not None:
            current.append(line)
            if line == "}":
                bodies.append("\n".join(current))
                current = None
    return bodies


def test_dry_run_with_credentials_masks_them_and_sends_nothing(
    tmp_path: Path, fakes: tuple[PhareFake, ChecklyFake, dict[str, str]]
) -> None:
    phare, checkly, env = fakes
    result = run_cli(
        [
            "post",
            "--to",
            "phare:42",
            "--state",
            "identified",
            "--message",
            "Found it",
            "--published-at",
            "2026-11-22T10:30:00Z",
            "--dry-run",
        ],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert PHARE_TOKEN not in result.stdout + result.stderr
    assert '"published_at": "2026-11-22T10:30:00+00:00"' in result.stdout
    assert phare.requests == []
    assert checkly.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "phare:../../admin",
        "phare:12#x",
        "phare:1_000",
        "phare:４２",
        "phare:+5",
        "phare:0",
        "phare:%2F",
        "phare:42\r\nX-Evil: 1",
        "checkly:not-a-uuid",
        "checkly:../incidents",
        "statuspage:1",
    ],
)
def test_a_bad_target_exits_2_naming_it_and_reaches_no_provider(
    tmp_path: Path, fakes: tuple[PhareFake, ChecklyFake, dict[str, str]], target: str
) -> None:
    phare, checkly, env = fakes
    result = run_cli(
        ["post", "--to", target, "--state", "monitoring", "--message", "x"], cwd=tmp_path, env=env
    )
    assert result.returncode == 2
    assert "--to" in result.stderr
    shown = target.partition(":")[2] if target.startswith(("phare", "checkly")) else target
    assert repr(shown)[1:-1][:20] in result.stderr
    assert phare.requests == []
    assert checkly.requests == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--state", "maintenance", "--message", "x"], "Phare has no 'maintenance' state"),
        (["--state", "sleeping", "--message", "x"], "is not a state"),
        (["--state", "monitoring", "--message", "   "], "empty"),
        (["--state", "monitoring", "--message", "x" * 10_001], "at most 10,000"),
        (["--state", "monitoring", "--message", "x", "--published-at", "tomorrow"], "ISO 8601"),
        (["--state", "monitoring", "--message", "x", "--wait", "soon"], "seconds"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_reason(
    tmp_path: Path,
    fakes: tuple[PhareFake, ChecklyFake, dict[str, str]],
    args: list[str],
    said: str,
) -> None:
    phare, _, env = fakes
    result = run_cli(["post", "--to", "phare:42", *args], cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert said in result.stderr
    assert phare.requests == []


EVERY_PROBLEM = [
    "--to: Phare incident id 'abc' is not a positive whole number",
    "--state 'sleeping' is not a state (valid: unknown, investigating, identified, monitoring, "
    "resolved, maintenance)",
    "--message: Write a message: it is empty.",
    "--wait: 'soon' is not a number of seconds",
    f"--to checkly:{CHECKLY_INCIDENT}: Checkly is not configured (set CHECKLY_API_KEY and "
    "CHECKLY_ACCOUNT_ID)",
    "--to phare:7: Phare is not configured (set PHARE_API_TOKEN)",
]


def test_several_bad_arguments_are_all_named_at_once(tmp_path: Path) -> None:
    targets = ["--to", "phare:abc", "--to", f"checkly:{CHECKLY_INCIDENT}", "--to", "phare:7"]
    args = [*targets, "--state", "sleeping", "--message", " ", "--wait", "soon"]
    result = run_cli(["post", *args], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"incident-bot post: {p}" for p in EVERY_PROBLEM]
    assert not (tmp_path / "cli.db").exists()


def test_a_provider_without_credentials_is_refused_before_anything_is_stored(
    tmp_path: Path,
) -> None:
    result = run_cli(
        ["post", "--to", "phare:42", "--state", "monitoring", "--message", "x"], cwd=tmp_path
    )
    assert result.returncode == 2
    assert "PHARE_API_TOKEN" in result.stderr
    assert not (tmp_path / "cli.db").exists()


def test_a_bad_environment_exits_2_listing_every_problem(tmp_path: Path) -> None:
    result = run_cli(["doctor"], cwd=tmp_path, env={"PORT": "eighty", "PHARE_API_URL": "not a url"})
    assert result.returncode == 2
    assert "PORT" in result.stderr
    assert "PHARE_API_URL" in result.stderr


def test_a_status_page_id_in_braces_exits_2_named_with_the_other_problems(tmp_path: Path) -> None:
    page = "{0c7b2f8e-3c1d-4a59-9d8e-7a1b2c3d4e5f}"
    env = {"CHECKLY_API_KEY": "k", "CHECKLY_ACCOUNT_ID": "a", "CHECKLY_STATUS_PAGE_ID": page}
    result = run_cli(["doctor"], cwd=tmp_path, env={**env, "PORT": "eighty"})
    assert result.returncode == 2
    assert "CHECKLY_STATUS_PAGE_ID: not a UUID" in result.stderr
    assert "PORT" in result.stderr
