"""A check no retry can finish ends the delivery at once, saying the outcome is unknown.

After an unclear opening, Phare's incidents are listed to find ours (the list has no
documented order, so every page is read, up to a cap). Past the cap, retrying would read the
same pages again: the delivery fails for good, nothing is opened twice, and the responder is
told to look at Phare before opening the incident again.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.delivery.engine import DeliveryEngine
from bot.delivery.policy import RetryPolicy
from bot.domain.models import DeliveryStatus, Target, Unclear
from bot.domain.operations import Impact, Opening, Operation
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName
from bot.providers._phare_pages import MAX_PAGES, PER_PAGE
from bot.providers.phare import PhareClient
from bot.providers.router import ProviderRouter
from bot.slack.opening_thread import operation_receipt
from bot.store.repo import Repo
from tests.delivery.fakes import RecordingNotifier
from tests.delivery.helpers import submission
from tests.fakes.fixtures import phare_settings
from tests.fakes.phare import PhareFake
from tests.fakes.replies import Reply
from tests.fakes.server import LoopbackServer
from tests.polling import eventually
from tests.slack.test_messages import shown

# A few quick attempts: without an end to the check, they would all be spent listing.
POLICY = RetryPolicy(base_seconds=0.05, cap_seconds=0.1, unclear_floor_seconds=0.05, max_attempts=3)
OPENING = Opening("Checkout is failing", Impact.MAJOR_OUTAGE, "Payments time out")
LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
async def engine(
    store: Repo, phare_server: LoopbackServer, notifier: RecordingNotifier
) -> AsyncIterator[DeliveryEngine]:
    """The engine with the real Phare client against the fake, driven by run_due."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as http:
        router = ProviderRouter(
            {ProviderName.PHARE: PhareClient(http, phare_settings(phare_server.url))}
        )
        engine = DeliveryEngine(store, router, notifier, policy=POLICY)
        try:
            yield engine
        finally:
            await engine.stop(grace_seconds=1)


async def _final(engine: DeliveryEngine, update_id: int) -> DeliveryReport:
    """Run passes until the update's one delivery is final."""

    async def probe() -> DeliveryReport | None:
        await engine.run_due()
        (report,) = await engine.repo.deliveries_of(update_id)
        return report if report.status.is_final else None

    return await eventually(probe, what="a final delivery")


async def test_an_opening_phare_lists_too_many_incidents_to_check_ends_failed_not_doubled(
    engine: DeliveryEngine, phare_fake: PhareFake, notifier: RecordingNotifier
) -> None:
    for n in range(PER_PAGE * MAX_PAGES + 1):
        phare_fake.add_incident(1000 + n, title=f"Earlier incident {n}", created_at=LONG_AGO)
    phare_fake.script_to("open", Reply.apply_then_drop())
    opening = submission(
        OPENING.first_message,
        targets=(Target(ProviderName.PHARE, ""),),
        operation=Operation.OPEN,
        opening=OPENING,
    )

    stored = await engine.submit(opening)
    report = await _final(engine, stored.id)

    assert report.status is DeliveryStatus.FAILED
    assert report.attempts == 2
    assert report.outcome == Unclear(
        "the bot could not tell whether Phare opened the incident: Phare lists more than "
        f"{MAX_PAGES} pages of incidents, more than the bot reads"
    )
    assert len(phare_fake.requests_to("POST")) == 1
    assert [i["title"] for i in phare_fake.incidents()].count(OPENING.title) == 1
    assert len(phare_fake.requests_to("GET")) == MAX_PAGES
    told = await eventually(lambda: _final_told(notifier), what="the final receipt")
    receipt = shown(operation_receipt(told))
    assert receipt.startswith(":x: the bot could not tell whether Phare opened the incident")
    assert "Gave up after 2 attempts. Look at Phare before opening the incident again" in receipt


async def _final_told(notifier: RecordingNotifier) -> DeliveryReport | None:
    """The final report the thread was told, if any yet."""
    return next((r for r in notifier.reports if r.status.is_final), None)
