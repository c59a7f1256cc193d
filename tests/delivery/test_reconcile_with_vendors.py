"""Reconciliation against the documented vendor fakes: an unclear send is found, never doubled.

The vendor applies the update and then hangs, drops the connection, answers a 2xx nobody can
read or a 5xx; the next attempt lists the incident's updates as the vendor documents them
(Phare: every page by `links.next`; Checkly: the incident with `includeAllIncidentUpdates=true`)
and reports the vendor's own update id without sending again. When the first request never
arrived, the listing finds nothing and the update is sent once more.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest

from bot.delivery.engine import DeliveryEngine
from bot.delivery.policy import RetryPolicy
from bot.domain.models import DeliveryStatus, Source, Target, Unclear
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName
from bot.providers.base import Provider
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.providers.router import ProviderRouter
from bot.store.repo import Repo
from tests.delivery.fakes import RecordingNotifier, wait_until
from tests.delivery.helpers import submission
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import (
    CHECKLY_INCIDENT,
    CHECKLY_PAGE_INCIDENT,
    PHARE_INCIDENT,
    checkly_settings,
    phare_settings,
)
from tests.fakes.phare import PhareFake
from tests.fakes.replies import PROXY_HTML, Reply
from tests.fakes.server import LoopbackServer

PHARE = Target(ProviderName.PHARE, PHARE_INCIDENT)
CHECKLY = Target(ProviderName.CHECKLY, CHECKLY_INCIDENT)
CHECKLY_PAGE = Target(ProviderName.CHECKLY, CHECKLY_PAGE_INCIDENT)
POLICY = RetryPolicy(base_seconds=0.05, cap_seconds=0.2)
TIMEOUT = httpx.Timeout(5.0, read=0.5)  # a hang becomes a read timeout quickly
FINAL_WITHIN = 20.0


@dataclass
class Vendor:
    """One vendor's fake and the target of its incident."""

    fake: PhareFake | ChecklyFake
    target: Target

    def applied(self) -> list[dict[str, Any]]:
        """The updates the vendor holds for the incident, oldest first."""
        return self.fake.applied(self.target.incident_id)

    def listings(self) -> list[Mapping[str, str]]:
        """The query of every listing request, in order."""
        return [r.query for r in self.fake.requests_to("GET")]


@pytest.fixture
async def engine(
    store: Repo,
    phare_server: LoopbackServer,
    checkly_server: LoopbackServer,
    notifier: RecordingNotifier,
) -> AsyncIterator[DeliveryEngine]:
    """The engine with the real clients, pointed at both fakes, never started (run_due drives)."""
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        providers: dict[ProviderName, Provider] = {
            ProviderName.PHARE: PhareClient(http, phare_settings(phare_server.url)),
            ProviderName.CHECKLY: ChecklyClient(http, checkly_settings(checkly_server.url)),
        }
        engine = DeliveryEngine(store, ProviderRouter(providers), notifier, policy=POLICY)
        try:
            yield engine
        finally:
            await engine.stop(grace_seconds=1)


@pytest.fixture(params=["phare", "checkly", "checkly-page"])
def vendor(
    request: pytest.FixtureRequest, phare_fake: PhareFake, checkly_fake: ChecklyFake
) -> Vendor:
    """Each vendor in turn (Checkly with a dashboard, then a status-page incident)."""
    if request.param == "phare":
        return Vendor(phare_fake, PHARE)
    return Vendor(checkly_fake, CHECKLY_PAGE if request.param == "checkly-page" else CHECKLY)


async def _deliver(engine: DeliveryEngine, text: str, target: Target) -> DeliveryReport:
    """Submit an update to one target and run passes until its delivery is final."""
    return await _final(engine, await engine.submit(submission(text, targets=(target,))))


async def _final(engine: DeliveryEngine, stored: StoredUpdate) -> DeliveryReport:
    """Run passes until the stored update's one delivery is final."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FINAL_WITHIN
    while True:
        await engine.run_due()
        (report,) = await engine.repo.deliveries_of(stored.id)
        if report.status.is_final:
            return report
        if loop.time() > deadline:
            raise AssertionError(f"not final within {FINAL_WITHIN} s: {report}")
        await asyncio.sleep(0.02)


async def _reported(notifier: RecordingNotifier, target: Target) -> DeliveryReport:
    """The final report made in the thread about the target (waits for it, with a deadline)."""
    await wait_until(lambda: any(r.status.is_final for r in notifier.reports_for(target.provider)))
    (final,) = [r for r in notifier.reports_for(target.provider) if r.status.is_final]
    return final


@pytest.mark.parametrize(
    ("reply", "posts"),
    [
        (Reply.apply_then_hang(), 1),
        (Reply.apply_then_drop(), 1),
        (Reply.apply_then_answer(201, '{"id": "'), 1),
        (Reply.apply_then_answer(502, PROXY_HTML, "text/html"), 1),
        (Reply.apply_then_answer(500, '{"message": "Server Error"}'), 1),
        (Reply.hang(), 2),
        (Reply.drop(), 2),
        (Reply.server_error(500), 2),
    ],
    ids=[
        "applied-then-hang",
        "applied-then-dropped",
        "applied-then-unreadable-2xx",
        "applied-then-gateway-502",
        "applied-then-500",
        "never-arrived-hang",
        "never-arrived-dropped",
        "never-arrived-500",
    ],
)
async def test_an_unclear_send_ends_with_exactly_one_update_at_the_vendor(
    engine: DeliveryEngine, notifier: RecordingNotifier, vendor: Vendor, reply: Reply, posts: int
) -> None:
    """Applied: found by listing, not resent. Never arrived: the listing is empty, sent again.

    A 5xx is checked like a timeout: a gateway may answer it after the vendor applied it."""
    vendor.fake.script(reply)

    report = await _deliver(engine, "Checkout errors; a fix is rolling out", vendor.target)

    (applied,) = vendor.applied()
    assert (report.status, report.provider_update_id) == (
        DeliveryStatus.ACCEPTED,
        str(applied["id"]),
    )
    assert len(vendor.fake.requests_to("POST")) == posts
    assert vendor.listings(), "the vendor's updates were never listed"
    thread = await _reported(notifier, vendor.target)
    assert (thread.status, thread.provider_update_id) == (
        DeliveryStatus.ACCEPTED,
        str(applied["id"]),
    )


@pytest.mark.parametrize(
    ("first", "posts"),
    [(Reply.apply_then_hang(), 1), (Reply.drop(), 2)],
    ids=["it-arrived", "it-never-arrived"],
)
async def test_a_retry_of_an_unclear_delivery_looks_for_it_before_sending(
    engine: DeliveryEngine, vendor: Vendor, first: Reply, posts: int
) -> None:
    """Retry on a receipt that ended unclear: found at the vendor, or sent once more."""
    vendor.fake.script(first)
    one_try = DeliveryEngine(engine.repo, engine.router, None, policy=RetryPolicy(max_attempts=1))
    failed = await _deliver(one_try, "Rollback finished", vendor.target)
    await one_try.stop(grace_seconds=0)
    assert (failed.status, type(failed.outcome)) == (DeliveryStatus.FAILED, Unclear)

    retry = replace(
        submission("Rollback finished", targets=(vendor.target,)),
        source=Source.RETRY,
        dedup_key=f"retry:{failed.delivery_id}:1700000000.000200",
        check_since=failed.update.created_at,
    )
    report = await _final(engine, await engine.submit(retry))

    (applied,) = vendor.applied()
    assert (report.status, report.provider_update_id) == (
        DeliveryStatus.ACCEPTED,
        str(applied["id"]),
    )
    assert len(vendor.fake.requests_to("POST")) == posts


async def test_a_check_that_fails_is_made_again_before_anything_is_resent(
    engine: DeliveryEngine, vendor: Vendor
) -> None:
    vendor.fake.script(Reply.apply_then_drop())
    vendor.fake.script_list(Reply.server_error(503), Reply.html(502))

    report = await _deliver(engine, "Checked twice", vendor.target)

    (applied,) = vendor.applied()
    assert (report.status, report.provider_update_id) == (
        DeliveryStatus.ACCEPTED,
        str(applied["id"]),
    )
    assert len(vendor.fake.requests_to("POST")) == 1
    assert len(vendor.listings()) == 3


async def test_each_vendor_lists_as_documented_and_checkly_asks_for_every_update(
    engine: DeliveryEngine, vendor: Vendor
) -> None:
    vendor.fake.script(Reply.apply_then_drop())

    await _deliver(engine, "Which listing", vendor.target)

    if vendor.target.provider is ProviderName.PHARE:
        assert vendor.listings()[0] == {"page": "1", "per_page": "100"}
    elif vendor.target.on_status_page:
        page, _, incident = CHECKLY_PAGE_INCIDENT.partition("/")
        (listing,) = vendor.fake.requests_to("GET")
        assert listing.path == f"/v3/status-pages/{page}/incidents/{incident}/incident-updates"
        assert listing.query == {}
    else:
        (listing,) = vendor.fake.requests_to("GET")
        assert listing.path == f"/v1/incidents/{CHECKLY_INCIDENT}"
        assert listing.query == {"includeAllIncidentUpdates": "true"}


async def test_ours_is_found_on_the_third_page_of_phares_list(
    engine: DeliveryEngine, phare_fake: PhareFake
) -> None:
    phare_fake.script(Reply.apply_then_hang())
    delivering = asyncio.create_task(_deliver(engine, "Ours, under many others", PHARE))
    try:
        await wait_until(lambda: len(phare_fake.applied(42)) == 1)
    except AssertionError:
        delivering.cancel()
        raise
    # While our request hangs, others publish 250 updates: newest first, ours is 251st.
    phare_fake.add_updates(42, [f"someone else, {n}" for n in range(250)])

    report = await delivering

    ours = phare_fake.applied(42)[0]
    assert ours["content"] == "Ours, under many others"
    assert (report.status, report.provider_update_id) == (DeliveryStatus.ACCEPTED, str(ours["id"]))
    assert len(phare_fake.requests_to("POST")) == 1
    assert [r.query for r in phare_fake.requests_to("GET")] == [
        {"page": str(n), "per_page": "100"} for n in (1, 2, 3)
    ]
