"""The workers table: who delivers, their heartbeats, and the rescue of those that stopped."""

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import delete, select, update

from bot.domain.models import DeliveryStatus
from bot.store.database import Queries, insert_for
from bot.store.queue import held_by
from bot.store.schema import deliveries, workers


class WorkerQueries(Queries):
    """Heartbeats and lease renewal for live workers; rescue of the rows of dead ones."""

    async def beat(self, worker_id: str, lease_seconds: float, holding: Collection[int]) -> None:
        """Record that the worker lives and extend its leases on the rows it is working on.

        Registers a new worker. Rows it holds but no longer works on are left to lapse.
        """
        now = self.clock()
        statement = insert_for(self.engine, workers).values(
            id=worker_id, started_at=now, beat_at=now
        )
        async with self.begin() as conn:
            await conn.execute(
                statement.on_conflict_do_update(index_elements=["id"], set_={"beat_at": now})
            )
            if holding:
                await conn.execute(
                    update(deliveries)
                    .where(held_by(worker_id), deliveries.c.id.in_(holding))
                    .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
                )

    async def rescue(self, dead_after_seconds: float) -> int:
        """End the leases of workers silent for `dead_after_seconds` and forget them.

        Their rows become due at once; whoever claims them next checks with the provider
        before sending again. How many deliveries were taken over.
        """
        now = self.clock()
        silent = workers.c.beat_at < now - timedelta(seconds=dead_after_seconds)
        async with self.begin() as conn:
            dead = list(
                (await conn.execute(select(workers.c.id).where(silent).with_for_update())).scalars()
            )
            if not dead:
                return 0
            taken = await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.status == DeliveryStatus.IN_FLIGHT.value,
                    deliveries.c.lease_owner.in_(dead),
                )
                .values(lease_expires_at=now)
            )
            await conn.execute(delete(workers).where(workers.c.id.in_(dead)))
            return taken.rowcount

    async def leave(self, worker_id: str) -> None:
        """The worker stops: forget it (its rows were given back first)."""
        async with self.begin() as conn:
            await conn.execute(delete(workers).where(workers.c.id == worker_id))
