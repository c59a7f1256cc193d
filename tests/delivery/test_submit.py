"""Submitting: stored and committed before returning, quickly; dedup keys; skipped targets."""

import statistics
import time

from bot.domain.models import DeliveryStatus
from bot.domain.states import State
from bot.store.repo import Repo, open_repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier
from tests.delivery.helpers import CHECKLY, PHARE, final_reports, make_engine, submission
from tests.store.clock import FakeClock


async def test_submit_is_committed_before_it_returns(
    repo: Repo,
    database_url: str,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    engine = make_engine(repo, clock, notifier, phare, checkly)
    stored = await engine.submit(submission())
    other = await open_repo(database_url, apply_migrations=False)
    try:
        seen = await other.deliveries_of(stored.id)
    finally:
        await other.close()
    assert [(r.target, r.status) for r in seen] == [
        (PHARE, DeliveryStatus.PENDING),
        (CHECKLY, DeliveryStatus.PENDING),
    ]
    assert phare.sends == []  # nothing is sent before the worker or a pass runs


async def test_submit_is_fast(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    durations = []
    for i in range(20):
        started = time.perf_counter()
        await engine.submit(submission(f"update {i}", targets=(PHARE,)))
        durations.append(time.perf_counter() - started)
    # Slack's whole budget is 3 s; a submit must be a tiny part of it (wide margin).
    assert statistics.median(durations) < 0.1
    assert max(durations) < 1.0


async def test_same_dedup_key_stores_once_and_sends_once(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    engine = make_engine(repo, clock, notifier, phare, checkly)
    first = await engine.submit(submission(dedup_key="Ev1:eyes"))
    again = await engine.submit(submission(dedup_key="Ev1:eyes"))
    assert again.duplicate
    assert again.id == first.id
    await engine.run_due()
    await engine.run_due()
    assert len(phare.sends) == len(checkly.sends) == 1
    assert [u.id for u in notifier.announced] == [first.id]


async def test_skipped_target_is_reported_with_its_reason_and_never_sent(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    engine = make_engine(repo, clock, notifier, phare, checkly)
    planned = submission("Planned work", State.MAINTENANCE, (CHECKLY,), skipped=(PHARE,))
    stored = await engine.submit(planned)
    await engine.run_due()
    assert phare.sends == []
    assert len(checkly.sends) == 1
    skipped = notifier.reports_for(PHARE.provider)
    assert [(r.status, r.skipped_reason) for r in skipped] == [
        (DeliveryStatus.SKIPPED, "Phare has no 'maintenance' state")
    ]
    final = await final_reports(engine.repo, stored.id, 1)
    assert [r.status for r in final] == [DeliveryStatus.ACCEPTED, DeliveryStatus.SKIPPED]


async def test_target_of_a_provider_not_configured_is_skipped(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, checkly: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, checkly)
    stored = await engine.submit(submission())
    await engine.run_due()
    reports = {r.target: r for r in await repo.deliveries_of(stored.id)}
    assert reports[PHARE].status is DeliveryStatus.SKIPPED
    assert reports[PHARE].skipped_reason == "Phare is not configured"
    assert reports[CHECKLY].status is DeliveryStatus.ACCEPTED


async def test_update_is_announced_once_before_its_reports(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    engine = make_engine(repo, clock, notifier, phare, checkly)
    stored = await engine.submit(submission())
    await engine.run_due()
    await engine.run_due()
    assert [u.id for u in notifier.announced] == [stored.id]
    assert notifier.announced[0].submission == stored.submission
    assert {(r.target, r.status) for r in notifier.reports} == {
        (PHARE, DeliveryStatus.ACCEPTED),
        (CHECKLY, DeliveryStatus.ACCEPTED),
    }
    assert len(notifier.reports) == 2
    accepted = notifier.reports_for(PHARE.provider)[0]
    assert accepted.provider_update_id == phare.stored["42"][0].id
    assert accepted.attempts == 1
