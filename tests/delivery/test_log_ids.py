"""Log lines about one delivery or update carry its ids (the JSON log's update_id,
delivery_id and provider fields), also when something went wrong."""

import logging

import pytest

from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier
from tests.delivery.helpers import PHARE, make_engine, submission
from tests.delivery.test_recovery import _die_while_sending
from tests.store.clock import FakeClock


def ids_of(caplog: pytest.LogCaptureFixture, starting: str) -> list[dict[str, object]]:
    """The ids carried by each line whose message starts so."""
    return [
        {k: getattr(r, k) for k in ("update_id", "delivery_id", "provider") if hasattr(r, k)}
        for r in caplog.records
        if r.getMessage().startswith(starting)
    ]


async def test_failed_announcements_and_reports_name_their_update_and_delivery(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier.fail_announcements = 1
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(submission(targets=(PHARE,)))
    await engine.run_due()
    notifier.fail_reports = 1
    clock.advance(10)
    await engine.run_due()

    (delivery,) = await repo.deliveries_of(stored.id)
    assert ids_of(caplog, "announcing update") == [{"update_id": stored.id}]
    assert ids_of(caplog, "reporting delivery") == [
        {"update_id": stored.id, "delivery_id": delivery.delivery_id, "provider": PHARE.provider}
    ]


async def test_a_delivery_found_at_the_vendor_is_named(
    repo: Repo, clock: FakeClock, phare: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    update_id = await _die_while_sending(repo, clock, phare, applied=True)
    caplog.set_level(logging.INFO)
    survivor = make_engine(repo, clock, RecordingNotifier(), phare, worker_id="survivor")
    clock.advance(61)
    await survivor.run_due()

    (delivery,) = await repo.deliveries_of(update_id)
    assert ids_of(caplog, f"delivery {delivery.delivery_id} found at") == [
        {"update_id": update_id, "delivery_id": delivery.delivery_id, "provider": PHARE.provider}
    ]
