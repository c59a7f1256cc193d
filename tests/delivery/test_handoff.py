"""Handing stored updates to the delivery process over a pipe (both ends in this test)."""

import asyncio
import os

from bot.delivery.policy import RetryPolicy
from bot.delivery_process import DeliveryProcess, HandoffPublisher, decode, read_wakeups
from bot.domain.models import DeliveryStatus
from bot.domain.states import ProviderName
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier
from tests.delivery.helpers import PHARE, make_engine, submission
from tests.store.clock import FakeClock

NO_PROCESS = -1
QUIET = RetryPolicy(idle_poll_seconds=60.0)


async def test_a_stored_update_is_delivered_by_the_woken_engine(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    storing = make_engine(repo, clock, notifier, phare, checkly, instance_id="web")
    # Its own passes come a minute apart: only the wake-up can start the sends in time.
    delivering = make_engine(
        repo, clock, notifier, phare, checkly, policy=QUIET, instance_id="deliveries"
    )
    read_fd, write_fd = os.pipe()
    publisher = HandoffPublisher(storing, DeliveryProcess(NO_PROCESS, write_fd))
    await delivering.start()
    reading = asyncio.create_task(read_wakeups(read_fd, delivering.deliver_now))
    try:
        stored = await publisher.submit(submission("Fix deployed"))
        reports = await delivering.wait_final(stored.id, timeout=5.0)
        assert [r.status for r in reports] == [DeliveryStatus.ACCEPTED] * 2
        assert [s.update.content for s in phare.sends] == ["Fix deployed"]
        assert [s.update.content for s in checkly.sends] == ["Fix deployed"]
    finally:
        os.close(write_fd)
        await asyncio.wait_for(reading, 5.0)  # the closed pipe ends the reader
        await delivering.stop()


async def test_a_duplicate_wakes_nobody(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    publisher = HandoffPublisher(engine, DeliveryProcess(NO_PROCESS, write_fd))
    try:
        first = submission("Once", targets=(PHARE,), dedup_key="k1")
        await publisher.submit(first)
        assert decode(os.read(read_fd, 100)) == {ProviderName.PHARE}
        again = await publisher.submit(first)
        assert again.duplicate
        try:
            leftover = os.read(read_fd, 100)
        except BlockingIOError:
            leftover = b""
        assert leftover == b""
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_wake_up_lines_name_known_providers_only() -> None:
    assert decode(b"checkly,phare\nphare\n") == {ProviderName.PHARE, ProviderName.CHECKLY}
    assert decode(b"statuspage\n\n") == set()
