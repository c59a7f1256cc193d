"""Reminders are rows, not timers: one nudge across replicas, and a nudge after a restart."""

import time
from pathlib import Path
from typing import Any

from tests.e2e.harness import Stack, wait_until
from tests.fakes.fixtures import PHARE_INCIDENT
from tests.fakes.slack import FakeSlack
from tests.interactive.live import fakes, serving, wait_for
from tests.slack.signing import CHANNEL_ID

NUDGE = "No update for"


def nudge_times(slack: FakeSlack) -> list[float]:
    """When each reminder was posted (monotonic seconds)."""
    return [
        c.at for c in slack.calls("chat.postMessage") if c.response["ok"] and NUDGE in str(c.params)
    ]


def thread_replies(slack: FakeSlack) -> list[dict[str, Any]]:
    """Replies in the incident thread (a receipt means the status card is recorded)."""
    return [m for m in slack.messages(CHANNEL_ID) if m.get("thread_ts") not in (None, m["ts"])]


async def test_two_replicas_post_each_reminder_once(database_url: str) -> None:
    interval = 1.2
    env = {"INCIDENT_BOT_REMINDER_MINUTES": "0.02"}
    with fakes() as running:
        async with (
            serving(running, database_url, **env) as one,
            serving(running, database_url, **env) as two,
        ):
            await one.command(f"link phare:{PHARE_INCIDENT}")
            await two.command("investigating DB is down")
            times = await wait_for(
                lambda: (found := nudge_times(running.slack))[1:] and found, what="two reminders"
            )
            assert times[1] - times[0] >= interval - 0.1


def test_a_reminder_is_posted_after_a_restart(tmp_path: Path) -> None:
    with Stack(tmp_path, INCIDENT_BOT_REMINDER_MINUTES="0.1") as stack:  # 6 s
        first = stack.start_bot()
        stack.command(first, f"link phare:{PHARE_INCIDENT}")
        published = time.monotonic()
        stack.publish(first, "investigating DB is down")
        wait_until(lambda: thread_replies(stack.slack), timeout=10)
        first.kill()
        assert time.monotonic() - published < 6.0, "too slow to kill the bot before the reminder"
        assert nudge_times(stack.slack) == []
        second = stack.start_bot()
        started = time.monotonic()
        wait_until(lambda: nudge_times(stack.slack), timeout=30)
        [posted] = nudge_times(stack.slack)
        assert posted >= started
        assert posted - published >= 6.0 - 0.1
        second.stop()
