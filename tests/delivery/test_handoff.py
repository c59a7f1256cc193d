"""Handing stored updates to the delivery process: deliveries stored already claimed by the
child's engine, their ids written on a pipe (both ends in this test)."""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.delivery.engine import DeliveryEngine
from bot.delivery.hand_over import ATOMIC_WRITE, HandOver, LineReader, encode
from bot.delivery.policy import RetryPolicy
from bot.delivery.reporting import StoredUpdate
from bot.delivery_process import DeliveryProcess, HandoffPublisher, read_hand_overs
from bot.domain.models import DeliveryStatus
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider, RecordingNotifier
from tests.delivery.helpers import PHARE, make_engine, submission
from tests.polling import eventually
from tests.store.clock import FakeClock

NO_PROCESS = -1
CHILD = "child-engine"
# The child's own passes come a minute apart: only the hand-over can start the sends in time.
QUIET = RetryPolicy(idle_poll_seconds=60.0)


@dataclass
class Pair:
    """The storing side (the parent's publisher) and the delivering engine (the child's)."""

    publisher: HandoffPublisher
    process: DeliveryProcess
    parent: DeliveryEngine
    child: DeliveryEngine
    read_fd: int
    write_fd: int


@pytest.fixture
async def pair(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> AsyncIterator[Pair]:
    """A parent-side publisher and a started child engine joined by a real pipe."""
    parent = make_engine(repo, clock, notifier, phare, checkly, instance_id="parent")
    child = make_engine(repo, clock, notifier, phare, checkly, policy=QUIET, instance_id=CHILD)
    read_fd, write_fd = os.pipe()
    process = DeliveryProcess(NO_PROCESS, write_fd, CHILD)
    await child.start()
    try:
        yield Pair(HandoffPublisher(parent, process), process, parent, child, read_fd, write_fd)
    finally:
        await child.stop()
        for fd in (read_fd, write_fd):
            with contextlib.suppress(OSError):  # closed by the test already
                os.close(fd)


async def test_handed_over_deliveries_are_sent_without_a_claim(
    pair: Pair, phare: FakeProvider, checkly: FakeProvider
) -> None:
    reading = asyncio.create_task(read_hand_overs(pair.read_fd, pair.child.take_over))
    stored = await pair.publisher.submit(submission("Fix deployed"))
    assert len(stored.handed_over) == 2
    reports = await pair.child.wait_final(stored.id, timeout=5.0)
    assert [r.status for r in reports] == [DeliveryStatus.ACCEPTED] * 2
    assert [r.attempts for r in reports] == [1, 1]
    assert [s.update.content for s in phare.sends] == ["Fix deployed"]
    assert [s.update.content for s in checkly.sends] == ["Fix deployed"]
    os.close(pair.write_fd)
    await asyncio.wait_for(reading, 5.0)  # a closed pipe ends the reader


async def test_stored_rows_are_claimed_by_the_child_before_the_answer(
    pair: Pair, repo: Repo
) -> None:
    stored = await pair.publisher.submit(submission("Stored first"))
    rows = await repo.deliveries_of(stored.id)
    assert [(r.status, r.attempts) for r in rows] == [(DeliveryStatus.IN_FLIGHT, 1)] * 2
    assert await repo.queue.held(CHILD, stored.handed_over) != []
    (hand_over,) = LineReader().feed(os.read(pair.read_fd, ATOMIC_WRITE))
    assert [c.delivery_id for c in hand_over.claims] == list(stored.handed_over)
    assert [c.target for c in hand_over.claims] == list(stored.submission.targets)
    assert {c.update.content for c in hand_over.claims} == {"Stored first"}


async def test_a_duplicate_hands_nothing_over(pair: Pair) -> None:
    first = submission("Once", targets=(PHARE,), dedup_key="k1")
    await pair.publisher.submit(first)
    again = await pair.publisher.submit(first)
    assert again.duplicate
    assert again.handed_over == ()
    os.set_blocking(pair.read_fd, False)
    assert len(LineReader().feed(os.read(pair.read_fd, ATOMIC_WRITE))) == 1  # only the first


async def test_refused_by_the_pipe_the_rows_go_back_to_the_queue(
    pair: Pair, repo: Repo, phare: FakeProvider
) -> None:
    os.close(pair.read_fd)  # nobody reads: the write fails with a broken pipe
    stored = await pair.publisher.submit(submission("Back to the queue", targets=(PHARE,)))
    (row,) = await repo.deliveries_of(stored.id)
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 0)
    assert await pair.child.run_due() == 1
    assert [s.update.content for s in phare.sends] == ["Back to the queue"]


async def test_a_failed_give_back_still_answers_with_the_stored_update(
    pair: Pair, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def store_down(owner: str, delivery_ids: object) -> None:
        raise OSError("the database went away")

    os.close(pair.read_fd)  # the pipe refuses the hand-over
    monkeypatch.setattr(pair.parent, "give_back", store_down)
    stored = await pair.publisher.submit(submission("Stored anyway", targets=(PHARE,)))
    assert stored.id > 0
    assert not stored.duplicate
    (row,) = await repo.deliveries_of(stored.id)
    assert row.status is DeliveryStatus.IN_FLIGHT  # its lease lapses, then it is reconciled


async def test_a_gone_child_s_leases_are_ended_and_its_rows_reconciled(
    pair: Pair,
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
) -> None:
    stored = await pair.publisher.submit(submission("Child died", targets=(PHARE,)))
    heir = make_engine(repo, clock, notifier, phare, instance_id="heir")
    assert await heir.run_due() == 0  # the lease still runs
    await heir.adopt_leases_of(CHILD)
    assert await heir.run_due() == 1
    (row,) = await repo.deliveries_of(stored.id)
    assert row.status is DeliveryStatus.ACCEPTED
    assert phare.lists == 1  # it may have gone out: the provider was asked first
    assert [s.update.content for s in phare.sends] == ["Child died"]


async def _one_slot_first_sending(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> tuple[DeliveryEngine, StoredUpdate]:
    """A started child with one Phare slot, handed two updates: the first's send held at the
    gate; the second (returned) waiting for the slot."""
    phare.gate = asyncio.Event()
    one_at_a_time = RetryPolicy(max_in_flight_per_provider=1, idle_poll_seconds=60.0)
    child = make_engine(repo, clock, notifier, phare, policy=one_at_a_time, instance_id=CHILD)
    await child.start()
    first = await child.submit(submission("first", targets=(PHARE,)), lease_to=CHILD)
    second = await child.submit(submission("second", targets=(PHARE,)), lease_to=CHILD)
    child.take_over(HandOver(ids=(*first.handed_over, *second.handed_over)))

    async def first_sent() -> bool:
        return len(phare.sends) == 1

    await eventually(first_sent, within=5.0)
    return child, second


async def test_over_the_in_flight_limit_the_rest_wait_for_a_slot(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    child, second = await _one_slot_first_sending(repo, clock, notifier, phare)
    try:
        assert phare.gate is not None
        phare.gate.set()
        reports = await child.wait_final(second.id, timeout=5.0)
        assert [r.status for r in reports] == [DeliveryStatus.ACCEPTED]
        assert [s.update.content for s in phare.sends] == ["first", "second"]
    finally:
        await child.stop()


async def test_waiting_deliveries_are_given_back_on_stop(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    child, second = await _one_slot_first_sending(repo, clock, notifier, phare)
    await child.stop(grace_seconds=0.0)  # the first send is cut short: its lease will lapse
    (waiting,) = await repo.deliveries_of(second.id)
    assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 0)
    assert [s.update.content for s in phare.sends] == ["first"]


async def test_an_update_too_long_for_one_line_is_read_back_from_the_store(
    pair: Pair, phare: FakeProvider
) -> None:
    reading = asyncio.create_task(read_hand_overs(pair.read_fd, pair.child.take_over))
    long_text = "Still investigating. " * 300  # over 4 KB: only the ids go through the pipe
    stored = await pair.publisher.submit(submission(long_text, targets=(PHARE,)))
    assert b'"ids"' in encode(stored)
    (report,) = await pair.child.wait_final(stored.id, timeout=5.0)
    assert report.status is DeliveryStatus.ACCEPTED
    assert [s.update.content for s in phare.sends] == [long_text]
    os.close(pair.write_fd)
    await asyncio.wait_for(reading, 5.0)


def test_lines_cut_between_reads_are_joined_and_garbage_is_skipped() -> None:
    reader = LineReader()
    assert reader.feed(b'{"ids":[17,18]}\n{"ids":') == [HandOver(ids=(17, 18))]
    assert reader.feed(b"[21]}\n\n") == [HandOver(ids=(21,))]
    assert reader.feed(b"not json\n") == [HandOver()]
