"""Live workers: heartbeats renew what a worker works on, silent workers are rescued, an attempt
never outlives its claim, a stop gives everything back, and `post` touches only its own update."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.delivery.liveness import ClaimLapsed, Liveness
from bot.delivery.policy import RetryPolicy
from bot.domain.models import DeliveryStatus
from bot.domain.states import ProviderName
from bot.store.repo import Repo
from bot.store.schema import deliveries, updates, workers
from tests.delivery.fakes import FakeProvider, RecordingNotifier, wait_until
from tests.delivery.helpers import PHARE, make_engine, submission
from tests.store.clock import FakeClock

LIMITS: dict[ProviderName, int] = dict.fromkeys(ProviderName, 10)


async def leases(repo: Repo) -> dict[int, tuple[str | None, object]]:
    """Each delivery's lease owner and expiry."""
    async with repo.engine.connect() as conn:
        rows = await conn.execute(
            select(deliveries.c.id, deliveries.c.lease_owner, deliveries.c.lease_expires_at)
        )
        return {row.id: (row.lease_owner, row.lease_expires_at) for row in rows}


async def worker_ids(repo: Repo) -> list[str]:
    """The workers the table knows."""
    async with repo.engine.connect() as conn:
        return list((await conn.execute(select(workers.c.id).order_by(workers.c.id))).scalars())


async def test_a_beat_renews_only_the_rows_the_worker_works_on(
    repo: Repo, clock: FakeClock
) -> None:
    await repo.insert_submission(submission(), {})
    claims = await repo.queue.claim_due("w1", clock(), 10.0, LIMITS)
    working, abandoned = sorted(c.delivery_id for c in claims)
    before = await leases(repo)

    clock.advance(4)
    await repo.workers.beat("w1", 10.0, {working})

    after = await leases(repo)
    assert after[working] == ("w1", clock.now + timedelta(seconds=10))
    assert after[abandoned] == before[abandoned]
    assert await worker_ids(repo) == ["w1"]


async def test_rescue_takes_the_rows_of_silent_workers_only(repo: Repo, clock: FakeClock) -> None:
    await repo.insert_submission(submission(content="first"), {})
    mine = await repo.queue.claim_due("silent", clock(), 10.0, LIMITS)
    await repo.workers.beat("silent", 10.0, {c.delivery_id for c in mine})
    clock.advance(3)
    await repo.insert_submission(submission(content="second"), {})
    theirs = await repo.queue.claim_due("alive", clock(), 10.0, LIMITS)
    await repo.workers.beat("alive", 10.0, {c.delivery_id for c in theirs})

    clock.advance(3)
    assert await repo.workers.rescue(dead_after_seconds=5.0) == 2

    assert await worker_ids(repo) == ["alive"]
    taken = await repo.queue.claim_due("rescuer", clock(), 10.0, LIMITS)
    assert sorted(c.delivery_id for c in taken) == sorted(c.delivery_id for c in mine)
    assert all(c.needs_reconcile for c in taken)  # it may have been sent: look first
    assert await repo.workers.rescue(dead_after_seconds=5.0) == 0


async def test_an_attempt_is_stopped_before_its_claim_could_be_taken(repo: Repo) -> None:
    policy = RetryPolicy(heartbeat_seconds=60.0, dead_after_seconds=1.2)
    liveness = Liveness(repo.workers, "w1", policy, frozenset, lambda _taken: None)
    await liveness.beat()
    loop = asyncio.get_running_loop()
    started = loop.time()

    with pytest.raises(ClaimLapsed):
        async with liveness.guard():
            await asyncio.sleep(5)

    assert loop.time() - started < 1.0  # dead_after less the safety margin


async def test_each_beat_gives_an_attempt_more_time(repo: Repo) -> None:
    policy = RetryPolicy(heartbeat_seconds=0.1, dead_after_seconds=1.3)
    liveness = Liveness(repo.workers, "w1", policy, frozenset, lambda _taken: None)
    await liveness.start()
    try:
        async with liveness.guard():
            await asyncio.sleep(1.0)  # longer than one beat's allowance (0.3 s)
    finally:
        await liveness.stop()


async def test_a_stop_gives_held_rows_back_to_be_checked_first(
    repo: Repo, clock: FakeClock, phare: FakeProvider
) -> None:
    phare.gate = asyncio.Event()
    engine = make_engine(repo, clock, RecordingNotifier(), phare, worker_id="stopping")
    await engine.start()
    stored = await engine.submit(submission(targets=(PHARE,)))
    await wait_until(lambda: len(phare.sends) == 1)

    await engine.stop(grace_seconds=0.0)

    (report,) = await repo.deliveries_of(stored.id)
    assert report.status is DeliveryStatus.PENDING
    assert await worker_ids(repo) == []
    phare.gate = None
    survivor = make_engine(repo, clock, RecordingNotifier(), phare, worker_id="next")
    assert await survivor.run_due() == 1
    assert phare.lists == 1  # checked before sending again
    (report,) = await repo.deliveries_of(stored.id)
    assert report.status is DeliveryStatus.ACCEPTED


async def test_deliver_only_touches_no_other_update_and_tells_no_thread(
    repo: Repo, clock: FakeClock, phare: FakeProvider, checkly: FakeProvider
) -> None:
    others = await repo.insert_submission(submission(content="typed in Slack"), {})
    engine = make_engine(repo, clock, None, phare, checkly)
    mine = await engine.submit(submission(content="from the command line"))

    reports = await engine.deliver_only(mine.id, timeout=5.0)

    assert [r.status for r in reports] == [DeliveryStatus.ACCEPTED] * 2
    assert {s.update.content for s in phare.sends + checkly.sends} == {"from the command line"}
    untouched = await repo.deliveries_of(others.id)
    assert [(r.status, r.attempts) for r in untouched] == [(DeliveryStatus.PENDING, 0)] * 2
    async with repo.engine.connect() as conn:
        announced = await conn.execute(select(updates.c.id).where(updates.c.announced))
        assert announced.all() == []
    assert await worker_ids(repo) == []


async def test_deliver_only_gives_back_what_is_not_final_by_its_deadline(
    repo: Repo, clock: FakeClock, phare: FakeProvider
) -> None:
    phare.gate = asyncio.Event()
    engine = make_engine(repo, clock, None, phare)
    stored = await engine.submit(submission(targets=(PHARE,)))

    (report,) = await engine.deliver_only(stored.id, timeout=0.3)

    assert (report.status, report.attempts) == (DeliveryStatus.PENDING, 1)
    assert await worker_ids(repo) == []
