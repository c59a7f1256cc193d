"""The background worker loop: passes on wake-ups, and a stop that always ends it."""

import asyncio
import contextlib

from bot.delivery.worker import Worker

LONG_PAUSE = 60.0


async def test_stop_ends_the_loop_when_a_wake_up_lands_at_the_same_moment() -> None:
    passes: list[int] = []

    async def run_pass() -> float:
        passes.append(1)
        return LONG_PAUSE

    worker = Worker(run_pass, name="test-worker")
    worker.start()
    await asyncio.sleep(0)  # the first pass runs; the loop now waits for a wake-up
    assert passes == [1]
    worker.wake()
    await asyncio.sleep(0)  # the wake-up is delivered but the loop has not resumed yet
    stopping = asyncio.create_task(worker.stop())
    done, _ = await asyncio.wait({stopping}, timeout=5.0)
    assert done == {stopping}, "stop() is still waiting for the loop"
    assert [t for t in asyncio.all_tasks() if t.get_name() == "test-worker"] == []


async def test_a_wake_up_runs_a_pass_before_the_pause_is_over() -> None:
    woken = asyncio.Event()
    passes: list[int] = []

    async def run_pass() -> float:
        passes.append(1)
        if len(passes) == 2:
            woken.set()
        return LONG_PAUSE

    worker = Worker(run_pass, name="test-worker")
    worker.start()
    await asyncio.sleep(0)
    worker.wake()
    async with asyncio.timeout(5.0):
        await woken.wait()
    await worker.stop()
    assert len(passes) == 2


async def test_stop_ends_the_loop_when_a_pass_loses_the_cancellation() -> None:
    in_pass = asyncio.Event()

    async def run_pass() -> float:
        """A pass whose library call swallows the cancellation (as asyncio.wait_for on 3.11)."""
        in_pass.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(LONG_PAUSE)
        return LONG_PAUSE

    worker = Worker(run_pass, name="test-worker")
    worker.start()
    async with asyncio.timeout(5.0):
        await in_pass.wait()
    stopping = asyncio.create_task(worker.stop())
    done, _ = await asyncio.wait({stopping}, timeout=5.0)
    assert done == {stopping}, "stop() is still waiting for the loop"
    assert not worker.running
