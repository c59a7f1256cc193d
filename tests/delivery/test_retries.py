"""Retries: backoff, Retry-After, final refusals, the budget, and what each report says."""

from bot.delivery.policy import RetryPolicy
from bot.domain.models import DeliveryStatus, Refused, Retry, Unclear
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier
from tests.delivery.helpers import CHECKLY, PHARE, final_reports, make_engine, submission
from tests.store.clock import FakeClock


async def test_passing_failures_are_retried_with_growing_backoff(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.extend([Retry("503 Service Unavailable", status=503)] * 2)
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(submission(targets=(PHARE,)))

    assert await engine.run_due() == 1
    first = notifier.reports[-1]
    assert (first.status, first.attempts, first.next_attempt_in) == (DeliveryStatus.PENDING, 1, 2.0)
    assert first.outcome == Retry("503 Service Unavailable", status=503)

    clock.advance(1.9)
    assert await engine.run_due() == 0  # never before the backoff is over
    clock.advance(0.1)
    assert await engine.run_due() == 1
    assert notifier.reports[-1].next_attempt_in == 4.0  # doubled

    clock.advance(4)
    await engine.run_due()
    final = notifier.reports[-1]
    assert (final.status, final.attempts) == (DeliveryStatus.ACCEPTED, 3)
    assert len(phare.sends) == 3
    assert [r.status for r in await repo.deliveries_of(stored.id)] == [DeliveryStatus.ACCEPTED]


async def test_retry_after_is_honoured_even_when_longer_than_the_backoff(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append(Retry("429 Too Many Requests", after_seconds=30, status=429))
    engine = make_engine(repo, clock, notifier, phare)
    await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    assert notifier.reports[-1].next_attempt_in == 30.0
    clock.advance(29.9)
    await engine.run_due()
    assert len(phare.sends) == 1
    clock.advance(0.1)
    await engine.run_due()
    assert len(phare.sends) == 2
    assert (phare.sends[1].at - phare.sends[0].at).total_seconds() >= 30


async def test_refusal_is_final_and_never_retried(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    refusal = Refused(422, "The content field is required.", {"content": ("required",)})
    phare.script.append(refusal)
    engine = make_engine(repo, clock, notifier, phare, checkly)
    stored = await engine.submit(submission())
    await engine.run_due()
    for _ in range(3):
        clock.advance(3600)
        await engine.run_due()
    assert len(phare.sends) == 1
    report = notifier.reports_for(PHARE.provider)
    assert [(r.status, r.outcome) for r in report] == [(DeliveryStatus.REFUSED, refusal)]
    final = {r.target: r.status for r in await final_reports(engine.repo, stored.id, 0)}
    assert final == {PHARE: DeliveryStatus.REFUSED, CHECKLY: DeliveryStatus.ACCEPTED}


async def test_attempt_budget_ends_in_failed_and_is_reported(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.extend([Retry("502 Bad Gateway", status=502)] * 10)
    engine = make_engine(repo, clock, notifier, phare, policy=RetryPolicy(max_attempts=3))
    await engine.submit(submission(targets=(PHARE,)))
    for _ in range(6):
        await engine.run_due()
        clock.advance(60)
    assert len(phare.sends) == 3
    assert [(r.status, r.attempts) for r in notifier.reports] == [
        (DeliveryStatus.PENDING, 1),
        (DeliveryStatus.PENDING, 2),
        (DeliveryStatus.FAILED, 3),
    ]
    assert notifier.reports[-1].next_attempt_in is None


async def test_time_budget_fails_rather_than_waiting_past_it(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append(Retry("429 Too Many Requests", after_seconds=600, status=429))
    engine = make_engine(repo, clock, notifier, phare, policy=RetryPolicy(budget_seconds=300))
    await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    assert [r.status for r in notifier.reports] == [DeliveryStatus.FAILED]


async def test_unclear_outcome_is_reconciled_and_never_sent_twice(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append("apply-then-unclear")
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    assert notifier.reports[-1].status is DeliveryStatus.PENDING
    assert isinstance(notifier.reports[-1].outcome, Unclear)
    clock.advance(5)
    await engine.run_due()
    assert len(phare.sends) == 1
    assert phare.lists == 1
    assert len(phare.stored["42"]) == 1
    final = await repo.deliveries_of(stored.id)
    assert final[0].status is DeliveryStatus.ACCEPTED
    assert final[0].provider_update_id == phare.stored["42"][0].id


async def test_unclear_outcome_not_applied_is_sent_again_once(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append(Unclear("read timeout"))
    engine = make_engine(repo, clock, notifier, phare)
    await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    clock.advance(5)
    await engine.run_due()
    assert len(phare.sends) == 2
    assert len(phare.stored["42"]) == 1
    assert notifier.reports[-1].status is DeliveryStatus.ACCEPTED


async def test_failed_check_is_retried_before_any_resend(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append("apply-then-unclear")
    phare.list_script.append(Retry("503 Service Unavailable", status=503))
    engine = make_engine(repo, clock, notifier, phare)
    await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    clock.advance(5)
    await engine.run_due()  # the listing fails: nothing is sent
    assert len(phare.sends) == 1
    clock.advance(10)
    await engine.run_due()  # listed again: found
    assert len(phare.sends) == 1
    assert phare.lists == 2
    assert [r.status for r in notifier.reports] == [
        DeliveryStatus.PENDING,
        DeliveryStatus.PENDING,
        DeliveryStatus.ACCEPTED,
    ]


async def test_identical_earlier_update_is_not_mistaken_for_ours(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    await engine.submit(submission("Still investigating", targets=(PHARE,)))
    await engine.run_due()
    phare.script.append(Unclear("connection reset"))  # the second one did not arrive
    second = await engine.submit(submission("Still investigating", targets=(PHARE,)))
    await engine.run_due()
    clock.advance(5)
    await engine.run_due()
    assert len(phare.stored["42"]) == 2
    reports = await repo.deliveries_of(second.id)
    assert reports[0].provider_update_id == phare.stored["42"][1].id


async def test_a_refused_check_is_final_in_the_providers_words(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append(Unclear("the connection dropped"))
    phare.list_script.append(Refused(404, "No query results for model [Incident]."))
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    clock.advance(3600)
    await engine.run_due()
    (report,) = await repo.deliveries_of(stored.id)
    assert report.status is DeliveryStatus.REFUSED
    assert report.outcome == Refused(
        404,
        "could not check whether the earlier attempt arrived: "
        "No query results for model [Incident].",
    )
    assert len(phare.sends) == 1


async def test_after_an_unclear_answer_the_check_waits_a_little(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append(Unclear("the connection dropped"))
    policy = RetryPolicy(base_seconds=0.001, unclear_floor_seconds=5.0)
    engine = make_engine(repo, clock, notifier, phare, policy=policy)
    stored = await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    clock.advance(4.9)
    assert await engine.run_due() == 0  # the provider may still be applying it
    clock.advance(0.2)
    assert await engine.run_due() == 1
    (report,) = await repo.deliveries_of(stored.id)
    assert report.status is DeliveryStatus.ACCEPTED
