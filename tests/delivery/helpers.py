"""Building engines and submissions for delivery tests, and reading their results."""

import asyncio
import time

from bot.delivery.engine import DeliveryEngine
from bot.delivery.policy import RetryPolicy
from bot.domain.models import Source, Submission, Target, Update
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName, State
from bot.providers.router import ProviderRouter
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider, MaxJitter, RecordingNotifier
from tests.polling import POLL_SECONDS
from tests.store.clock import FakeClock

PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d")


def submission(
    content: str = "We are looking into it",
    state: State = State.INVESTIGATING,
    targets: tuple[Target, ...] = (PHARE, CHECKLY),
    **changes: object,
) -> Submission:
    """A submission from a channel's thread."""
    return Submission(
        update=Update(state, content),
        targets=targets,
        source=Source.INLINE,
        author="U123",
        channel_id="C1",
        thread_ts="111.1",
        **changes,  # type: ignore[arg-type]
    )


def make_engine(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier | None,
    *providers: FakeProvider,
    policy: RetryPolicy | None = None,
    worker_id: str = "test-engine",
) -> DeliveryEngine:
    """An engine on the test clock with exact (maximal) jitter."""
    return DeliveryEngine(
        repo,
        ProviderRouter({p.name: p for p in providers}),
        notifier,
        policy or RetryPolicy(),
        worker_id,
        clock=clock,
        rng=MaxJitter(),
    )


async def final_reports(repo: Repo, update_id: int, timeout: float) -> list[DeliveryReport]:  # noqa: ASYNC109
    """The update's deliveries once all are final, or as they stand after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        reports = await repo.deliveries_of(update_id)
        if all(r.status.is_final for r in reports) or time.monotonic() >= deadline:
            return reports
        await asyncio.sleep(POLL_SECONDS)
