"""The engine with the real Phare and Checkly clients against loopback fakes of both vendors."""

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.delivery.engine import DeliveryEngine
from bot.delivery.policy import RetryPolicy
from bot.domain.models import DeliveryStatus, Refused, Target
from bot.domain.states import ProviderName
from bot.providers.base import Provider
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.providers.router import ProviderRouter
from bot.store.repo import Repo
from tests.delivery.fakes import RecordingNotifier, wait_until
from tests.delivery.helpers import final_reports, submission
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_INCIDENT, PHARE_INCIDENT, checkly_settings, phare_settings
from tests.fakes.phare import PhareFake
from tests.fakes.replies import Reply
from tests.fakes.server import LoopbackServer

PHARE = Target(ProviderName.PHARE, PHARE_INCIDENT)
CHECKLY = Target(ProviderName.CHECKLY, CHECKLY_INCIDENT)
QUICK = RetryPolicy(base_seconds=0.05, cap_seconds=0.2, idle_poll_seconds=0.2)
SEND_TIMEOUT = 3.0


@pytest.fixture
def servers(phare_server: LoopbackServer, checkly_server: LoopbackServer) -> tuple[str, str]:
    """Both fakes served on loopback: their base URLs."""
    return phare_server.url, checkly_server.url


@pytest.fixture
async def engine_parts(
    store: Repo, servers: tuple[str, str], request: pytest.FixtureRequest
) -> AsyncIterator[tuple[DeliveryEngine, RecordingNotifier]]:
    """A started engine with the real clients (short timeouts) and a recording notifier."""
    policy = getattr(request, "param", QUICK)
    async with httpx.AsyncClient(timeout=SEND_TIMEOUT) as http:
        providers: dict[ProviderName, Provider] = {
            ProviderName.PHARE: PhareClient(http, phare_settings(servers[0])),
            ProviderName.CHECKLY: ChecklyClient(http, checkly_settings(servers[1])),
        }
        notifier = RecordingNotifier()
        engine = DeliveryEngine(store, ProviderRouter(providers), notifier, policy, "vendors")
        await engine.start()
        try:
            yield engine, notifier
        finally:
            await engine.stop(grace_seconds=0)


Parts = tuple[DeliveryEngine, RecordingNotifier]


async def test_both_vendors_accept(
    engine_parts: Parts, phare_fake: PhareFake, checkly_fake: ChecklyFake
) -> None:
    engine, _ = engine_parts
    stored = await engine.submit(submission("Investigating & fixing", targets=(PHARE, CHECKLY)))
    reports = await final_reports(engine.repo, stored.id, 10)
    assert {r.target: r.status for r in reports} == {
        PHARE: DeliveryStatus.ACCEPTED,
        CHECKLY: DeliveryStatus.ACCEPTED,
    }
    (phare_update,) = phare_fake.applied(42)
    assert {r.target: r.provider_update_id for r in reports}[PHARE] == str(phare_update["id"])
    assert [u["description"] for u in checkly_fake.applied(CHECKLY_INCIDENT)] == [
        "Investigating & fixing"
    ]


async def test_retry_after_is_honoured(engine_parts: Parts, phare_fake: PhareFake) -> None:
    engine, _ = engine_parts
    phare_fake.script(Reply.rate_limited(retry_after=1))
    stored = await engine.submit(submission(targets=(PHARE,)))
    (report,) = await final_reports(engine.repo, stored.id, 10)
    assert (report.status, report.attempts) == (DeliveryStatus.ACCEPTED, 2)
    first, second = phare_fake.requests_to("POST")
    assert second.at - first.at >= 1.0  # the backoff alone would have been under 0.05 s


async def test_validation_refusal_is_never_retried(
    engine_parts: Parts, phare_fake: PhareFake
) -> None:
    engine, notifier = engine_parts
    phare_fake.script(Reply.invalid({"content": ["The content field is required."]}))
    stored = await engine.submit(submission(targets=(PHARE,)))
    (report,) = await final_reports(engine.repo, stored.id, 10)
    assert report.status is DeliveryStatus.REFUSED
    assert isinstance(report.outcome, Refused)
    assert report.outcome.status == 422
    assert report.outcome.field_errors == {"content": ("The content field is required.",)}
    await engine.run_due()
    assert len(phare_fake.requests_to("POST")) == 1
    await wait_until(lambda: [r.status for r in notifier.reports] == [DeliveryStatus.REFUSED])


@pytest.mark.parametrize("vendor", ["phare", "checkly"])
async def test_applied_then_dropped_is_found_not_resent(
    engine_parts: Parts, phare_fake: PhareFake, checkly_fake: ChecklyFake, vendor: str
) -> None:
    engine, _ = engine_parts
    fake: PhareFake | ChecklyFake = phare_fake if vendor == "phare" else checkly_fake
    target = PHARE if vendor == "phare" else CHECKLY
    fake.script(Reply.apply_then_drop())
    stored = await engine.submit(submission(targets=(target,)))
    (report,) = await final_reports(engine.repo, stored.id, 10)
    assert report.status is DeliveryStatus.ACCEPTED
    (applied,) = fake.applied(target.incident_id)
    assert report.provider_update_id == str(applied["id"])
    assert len(fake.requests_to("POST")) == 1
    assert len(fake.requests_to("GET")) >= 1


async def test_hanging_phare_does_not_delay_checkly(
    engine_parts: Parts, phare_fake: PhareFake, checkly_fake: ChecklyFake
) -> None:
    engine, notifier = engine_parts
    phare_fake.script(Reply.hang())
    stored = await engine.submit(submission(targets=(PHARE, CHECKLY)))
    accepted = [CHECKLY]

    def checkly_accepted() -> bool:
        return [r.target for r in notifier.reports if r.status.is_final] == accepted

    await wait_until(checkly_accepted, within=SEND_TIMEOUT - 0.5)
    assert len(phare_fake.requests_to("POST")) == 1  # still waiting for its answer
    reports = {r.target: r.status for r in await engine.repo.deliveries_of(stored.id)}
    assert reports[PHARE] is DeliveryStatus.IN_FLIGHT


@pytest.mark.parametrize(
    "engine_parts", [RetryPolicy(base_seconds=0.01, max_attempts=3)], indirect=True
)
async def test_server_errors_until_the_budget_is_spent_end_in_failed(
    engine_parts: Parts, checkly_fake: ChecklyFake
) -> None:
    engine, notifier = engine_parts
    checkly_fake.script(*[Reply.server_error(503)] * 5)
    stored = await engine.submit(submission(targets=(CHECKLY,)))
    (report,) = await final_reports(engine.repo, stored.id, 10)
    assert (report.status, report.attempts) == (DeliveryStatus.FAILED, 3)
    assert len(checkly_fake.requests_to("POST")) == 3
    await wait_until(lambda: bool(notifier.reports) and notifier.reports[-1].status.is_final)
    assert notifier.reports[-1].status is DeliveryStatus.FAILED
