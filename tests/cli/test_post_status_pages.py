"""`incident-bot post` to a Checkly status-page incident: notification, states, the dry run."""

import json
from pathlib import Path

import pytest

from bot.cli_delivery import UsageError
from bot.domain.models import Target
from bot.domain.states import ProviderName
from bot.post import PostArguments, build_submission
from tests.cli.process import run_cli, vendors_env
from tests.fakes.fixtures import CHECKLY_PAGE_INCIDENT

PAGE, _, INCIDENT = CHECKLY_PAGE_INCIDENT.partition("/")


def _args(*targets: str, state: str = "monitoring", notify: bool | None = None) -> PostArguments:
    return PostArguments(targets, state, "Watching", None, "0", False, notify)


@pytest.mark.parametrize(
    ("notify", "default", "sent"),
    [(None, True, True), (None, False, False), (False, True, False), (True, False, True)],
)
def test_notification_is_the_flag_else_the_configured_default(
    notify: bool | None, default: bool, sent: bool
) -> None:
    submission = build_submission(_args(f"checkly:{CHECKLY_PAGE_INCIDENT}", notify=notify), default)

    assert submission.targets == (Target(ProviderName.CHECKLY, CHECKLY_PAGE_INCIDENT),)
    assert submission.update.notify_subscribers is sent


def test_no_status_page_means_no_notification_and_the_flag_is_refused() -> None:
    plain = build_submission(_args("phare:42"), notify_default=True)

    with pytest.raises(UsageError) as refused:
        build_submission(_args("phare:42", notify=True))

    assert plain.update.notify_subscribers is None
    assert str(refused.value) == (
        "--notify-subscribers: only Checkly status-page incidents have subscribers to notify"
    )


def test_maintenance_is_refused_for_a_status_page() -> None:
    with pytest.raises(UsageError) as refused:
        build_submission(_args(f"checkly:{CHECKLY_PAGE_INCIDENT}", state="maintenance"))

    assert "--state: A Checkly status page has no 'maintenance' state" in str(refused.value)


def test_the_dry_run_prints_the_status_page_request(tmp_path: Path) -> None:
    result = run_cli(
        [
            "post",
            "--to",
            f"checkly:{CHECKLY_PAGE_INCIDENT.upper()}",
            "--state",
            "resolved",
            "--message",
            "All clear",
            "--published-at",
            "2026-11-22T11:30:00+01:00",
            "--notify-subscribers",
            "--dry-run",
        ],
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    url = f"https://api.checklyhq.com/v3/status-pages/{PAGE}/incidents/{INCIDENT}/incident-updates"
    assert f"POST {url}" in result.stdout
    body = json.loads(result.stdout[result.stdout.index("{") :])
    assert body == {
        "status": "RESOLVED",
        "description": "All clear",
        "publicIncidentUpdateDate": "2026-11-22T10:30:00.000Z",
        "notifySubscribers": True,
    }


@pytest.mark.parametrize("when", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "sent"])
def test_a_publish_time_beyond_utc_is_a_bad_argument(
    tmp_path: Path, when: str, dry_run: bool
) -> None:
    target = f"checkly:{CHECKLY_PAGE_INCIDENT}"
    args = ["post", "--to", target, "--state", "monitoring", "--message", "x"]
    nowhere = "http://127.0.0.1:9"

    result = run_cli(
        [*args, "--published-at", when, *(["--dry-run"] if dry_run else ["--wait", "0"])],
        cwd=tmp_path,
        env=vendors_env(nowhere, nowhere),
    )

    assert result.returncode == 2, result.stdout + result.stderr
    assert f"--published-at: {when!r} is out of range" in result.stderr
    assert "Traceback" not in result.stderr
