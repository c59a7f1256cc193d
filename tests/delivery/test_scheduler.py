"""The scheduler is a clock: it ticks the engine and runs registered jobs on an interval."""

import asyncio

from bot.delivery.scheduler import DeliveryScheduler
from tests.delivery.fakes import wait_until


class CountingEngine:
    """Counts ticks."""

    def __init__(self) -> None:
        self.ticks = 0

    async def tick(self) -> None:
        """Count one tick."""
        self.ticks += 1


async def test_scheduler_ticks_the_engine_and_other_jobs() -> None:
    engine = CountingEngine()
    scheduler = DeliveryScheduler(engine, interval_seconds=0.05)
    runs: list[int] = []

    async def reminder_job() -> None:
        runs.append(1)

    scheduler.add_periodic("reminders", reminder_job, 0.05)
    scheduler.start()
    try:
        await wait_until(lambda: engine.ticks >= 3 and len(runs) >= 3, within=5)
    finally:
        scheduler.shutdown()
    await asyncio.sleep(0)  # the shutdown is applied on the loop
    assert not scheduler.running
