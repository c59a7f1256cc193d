"""APScheduler as a clock: an interval job that ticks the engine, and a hook for other jobs."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

DELIVERY_JOB_ID = "delivery-tick"
DEFAULT_INTERVAL_SECONDS = 2.0


class Tickable(Protocol):
    """Anything with an async `tick` (the delivery engine)."""

    async def tick(self) -> None:
        """Do what is due now."""
        ...


class DeliveryScheduler:
    """Timers only: ticks the engine every few seconds and runs registered periodic jobs."""

    def __init__(
        self, engine: Tickable, *, interval_seconds: float = DEFAULT_INTERVAL_SECONDS
    ) -> None:
        self._scheduler: Any = AsyncIOScheduler(timezone="UTC")
        self.add_periodic(DELIVERY_JOB_ID, engine.tick, interval_seconds)

    def add_periodic(
        self, job_id: str, job: Callable[[], Awaitable[object]], interval_seconds: float
    ) -> None:
        """Run `job` every `interval_seconds`, never two at once, missed runs coalesced."""
        self._scheduler.add_job(
            job,
            "interval",
            seconds=interval_seconds,
            id=job_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )

    @property
    def running(self) -> bool:
        """Whether the timers are running."""
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Start the timers (on the running event loop)."""
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop the timers without waiting for jobs under way."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
