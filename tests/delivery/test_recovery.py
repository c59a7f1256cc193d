"""Recovery: deliveries of a process that died are reconciled; failed reports are retried."""

import asyncio
import contextlib

from bot.domain.models import DeliveryStatus
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier, wait_until
from tests.delivery.helpers import PHARE, make_engine, submission
from tests.store.clock import FakeClock


async def _die_while_sending(
    repo: Repo, clock: FakeClock, phare: FakeProvider, *, applied: bool
) -> int:
    """Start a send in one engine and kill it mid-request; the row stays in flight."""
    phare.gate = asyncio.Event()
    phare.apply_before_gate = applied
    doomed = make_engine(repo, clock, RecordingNotifier(), phare, worker_id="doomed")
    stored = await doomed.submit(submission(targets=(PHARE,)))
    task = asyncio.create_task(doomed.run_due())
    await wait_until(lambda: len(phare.sends) == 1)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    phare.gate = None
    (report,) = await repo.deliveries_of(stored.id)
    assert report.status is DeliveryStatus.IN_FLIGHT
    return stored.id


async def test_in_flight_row_of_a_dead_process_is_reconciled_not_resent(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    update_id = await _die_while_sending(repo, clock, phare, applied=True)
    survivor = make_engine(repo, clock, notifier, phare, worker_id="survivor")
    assert await survivor.run_due() == 0  # the lease still holds
    clock.advance(61)
    assert await survivor.run_due() == 1
    assert len(phare.sends) == 1
    assert phare.lists == 1
    (report,) = await repo.deliveries_of(update_id)
    assert report.status is DeliveryStatus.ACCEPTED
    assert report.provider_update_id == phare.stored["42"][0].id
    assert [r.status for r in notifier.reports] == [DeliveryStatus.ACCEPTED]


async def test_in_flight_row_that_never_arrived_is_sent_once_more(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    update_id = await _die_while_sending(repo, clock, phare, applied=False)
    survivor = make_engine(repo, clock, notifier, phare, worker_id="survivor")
    clock.advance(61)
    await survivor.run_due()
    assert len(phare.sends) == 2
    assert len(phare.stored["42"]) == 1
    (report,) = await repo.deliveries_of(update_id)
    assert (report.status, report.attempts) == (DeliveryStatus.ACCEPTED, 2)


async def test_failed_report_is_retried_later_without_sending_again(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    notifier.fail_reports = 1
    engine = make_engine(repo, clock, notifier, phare)
    await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    assert notifier.reports == []
    await engine.run_due()
    assert notifier.reports == []  # not before the report's retry delay
    clock.advance(10)
    await engine.run_due()
    assert [r.status for r in notifier.reports] == [DeliveryStatus.ACCEPTED]
    assert len(phare.sends) == 1


async def test_unreported_change_survives_a_restart(
    repo: Repo, clock: FakeClock, phare: FakeProvider
) -> None:
    failing = RecordingNotifier()
    failing.fail_reports = 1
    first = make_engine(repo, clock, failing, phare, worker_id="first")
    await first.submit(submission(targets=(PHARE,)))
    await first.run_due()
    restarted = RecordingNotifier()
    second = make_engine(repo, clock, restarted, phare, worker_id="second")
    clock.advance(10)
    await second.run_due()
    assert [r.status for r in restarted.reports] == [DeliveryStatus.ACCEPTED]
    assert restarted.announced == []  # the announcement had been made already
    assert len(phare.sends) == 1


async def test_failed_announcement_holds_reports_back_until_it_is_made(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    notifier.fail_announcements = 1
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    assert len(phare.sends) == 1  # Slack being down does not hold deliveries back
    assert notifier.announced == []
    assert notifier.reports == []
    clock.advance(10)
    await engine.run_due()
    assert [u.id for u in notifier.announced] == [stored.id]
    assert [r.status for r in notifier.reports] == [DeliveryStatus.ACCEPTED]
    assert len(phare.sends) == 1
