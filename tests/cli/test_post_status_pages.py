"""`incident-bot post` to a Checkly status-page incident: notification, states, the dry run."""

import json
from pathlib import Path

import pytest

from bot.cli_delivery import UsageError
from bot.domain.models import Target
from bot.domain.states import ProviderName
from bot.post import PostArguments, build_submission
from tests.cli.process import run_cli
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
