"""Thread reports are claimed for a short lease: Slack is told only while the claim holds, and
what a slow Slack leaves untold is due again at once, never told twice."""

from collections import Counter

from bot.delivery.outbox import ReportOutbox
from bot.delivery.policy import RetryPolicy
from bot.store.repo import Repo
from tests.delivery.fakes import RecordingNotifier
from tests.delivery.helpers import submission
from tests.store.clock import FakeClock

SHORT = RetryPolicy(report_lease_seconds=0.5, report_deadline_seconds=0.2)


async def test_a_slow_slack_announces_what_the_lease_allows_and_the_rest_next_time(
    repo: Repo, clock: FakeClock
) -> None:
    stored = [await repo.insert_submission(submission(f"update {n}"), {}) for n in range(8)]
    notifier = RecordingNotifier()
    notifier.latency = 0.1
    outbox = ReportOutbox(repo.outbox, notifier, SHORT, clock)

    await outbox.flush()
    first = len(notifier.announced)
    assert 0 < first < len(stored)  # the lease ran short before the end of the batch

    while len(notifier.announced) < len(stored):
        before = len(notifier.announced)
        await outbox.flush()  # the rest are due at once: no waiting for the lease to lapse
        assert len(notifier.announced) > before
    assert Counter(u.id for u in notifier.announced) == Counter(u.id for u in stored)


async def test_a_slack_call_past_its_deadline_is_retried_later(
    repo: Repo, clock: FakeClock
) -> None:
    stored = await repo.insert_submission(submission(), {})
    notifier = RecordingNotifier()
    notifier.latency = 0.3
    outbox = ReportOutbox(repo.outbox, notifier, SHORT, clock)

    await outbox.flush()
    assert notifier.announced == []

    notifier.latency = 0.0
    await outbox.flush()
    assert notifier.announced == []  # not before the retry delay
    clock.advance(SHORT.report_retry_seconds)
    await outbox.flush()
    assert [u.id for u in notifier.announced] == [stored.id]
