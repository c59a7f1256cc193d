"""Concurrency: no head-of-line blocking, several engines on one database never send twice."""

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.delivery.engine import DeliveryEngine
from bot.delivery.policy import RetryPolicy
from bot.domain.models import DeliveryStatus, Retry, Unclear
from bot.domain.states import ProviderName
from bot.providers.router import ProviderRouter
from bot.store.repo import Repo, open_repo
from bot.store.schema import deliveries
from tests.delivery.fakes import (
    APPLY_THEN_UNCLEAR,
    FakeProvider,
    RecordingNotifier,
    Step,
    wait_until,
)
from tests.delivery.helpers import CHECKLY, PHARE, final_reports, make_engine, submission
from tests.store.clock import FakeClock

FAST = RetryPolicy(base_seconds=0.01, cap_seconds=0.05, idle_poll_seconds=0.5)


async def test_a_hanging_provider_does_not_delay_the_other(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    phare.gate = asyncio.Event()  # Phare never answers
    engine = make_engine(repo, clock, notifier, phare, checkly)
    await engine.start()
    try:
        first = await engine.submit(submission("first"))
        await wait_until(lambda: _accepted(notifier, first.id) == {CHECKLY})
        second = await engine.submit(submission("second"))
        await wait_until(lambda: _accepted(notifier, second.id) == {CHECKLY})
        assert phare.sent_contents() == ["first", "second"]  # both still hanging
        reports = await final_reports(engine.repo, second.id, 0.2)
        assert {r.target: r.status for r in reports} == {
            PHARE: DeliveryStatus.IN_FLIGHT,
            CHECKLY: DeliveryStatus.ACCEPTED,
        }
    finally:
        await engine.stop(grace_seconds=0)


def _accepted(notifier: RecordingNotifier, update_id: int) -> set[object]:
    """Targets reported accepted for an update."""
    return {
        r.target
        for r in notifier.reports
        if r.update.id == update_id and r.status is DeliveryStatus.ACCEPTED
    }


@pytest.fixture
async def second_repo(database_url: str, repo: Repo) -> AsyncIterator[Repo]:
    """Another Repo (its own connection pool) on the same database, as a second process has."""
    other = await open_repo(database_url)
    try:
        yield other
    finally:
        await other.close()


async def test_two_engines_on_one_database_send_each_update_once(
    repo: Repo, second_repo: Repo
) -> None:
    # 200 updates where several replicas are supported (PostgreSQL); fewer on SQLite.
    count = 200 if repo.engine.dialect.name == "postgresql" else 50
    phare = FakeProvider(ProviderName.PHARE)
    checkly = FakeProvider(ProviderName.CHECKLY)
    phare.latency = checkly.latency = 0.005
    engines = _engines((repo, second_repo), phare, checkly)
    await _run_everything(engines, count=count)
    for provider in (phare, checkly):
        sent = Counter(provider.sent_contents())
        assert len(sent) == count
        assert set(sent.values()) == {1}


async def test_two_engines_with_failures_apply_each_update_exactly_once(
    repo: Repo, second_repo: Repo
) -> None:
    phare = FakeProvider(ProviderName.PHARE)
    checkly = FakeProvider(ProviderName.CHECKLY)
    rng = random.Random(3)
    steps: list[Step] = [
        Retry("503", status=503),
        Unclear("timeout"),
        APPLY_THEN_UNCLEAR,
        None,
        None,
    ]
    for provider in (phare, checkly):
        provider.script.extend(rng.choice(steps) for _ in range(60))
    engines = _engines((repo, second_repo), phare, checkly)
    await _run_everything(engines, count=30)
    for provider in (phare, checkly):
        applied = Counter(u.content for u in provider.stored[_incident(provider)])
        assert len(applied) == 30
        assert set(applied.values()) == {1}


def _incident(provider: FakeProvider) -> str:
    """The incident the test targets at this provider."""
    return PHARE.incident_id if provider.name is ProviderName.PHARE else CHECKLY.incident_id


def _engines(repos: tuple[Repo, ...], *providers: FakeProvider) -> list[DeliveryEngine]:
    """One engine per repo, as separate processes would have, on the real clock."""
    return [
        DeliveryEngine(
            repo, ProviderRouter({p.name: p for p in providers}), RecordingNotifier(), FAST, f"e{i}"
        )
        for i, repo in enumerate(repos)
    ]


async def _run_everything(engines: list[DeliveryEngine], count: int) -> None:
    """Submit `count` updates alternately through the engines and wait until all are final."""
    for engine in engines:
        await engine.start()
    try:
        for start in range(0, count, 10):  # as replicas behind a load balancer would get them
            await asyncio.gather(
                *(
                    engines[i % len(engines)].submit(submission(f"update {i}"))
                    for i in range(start, min(count, start + 10))
                )
            )
        repo = engines[0].repo
        await _wait_all_final(repo, within=90)
    finally:
        for engine in engines:
            await engine.stop()
    async with repo.engine.connect() as conn:
        statuses = await conn.execute(
            select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        )
        counts = {status: n for status, n in statuses}
        assert counts == {DeliveryStatus.ACCEPTED.value: 2 * count}


async def _wait_all_final(repo: Repo, within: float) -> None:
    """Poll the database until no delivery is pending or in flight."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    open_statuses = [DeliveryStatus.PENDING.value, DeliveryStatus.IN_FLIGHT.value]
    while True:
        async with repo.engine.connect() as conn:
            left = await conn.execute(
                select(func.count()).where(deliveries.c.status.in_(open_statuses))
            )
            if left.scalar_one() == 0:
                return
        if loop.time() > deadline:
            raise AssertionError(f"deliveries still open after {within} s")
        await asyncio.sleep(0.05)
