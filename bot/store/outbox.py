"""The report outbox: which announcements and delivery reports are still owed, under a lease."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.records import DeliveryReport, StoredUpdate
from bot.store.codec import delivery_report
from bot.store.database import Queries
from bot.store.known import KnownUpdates
from bot.store.leases import claim_rows
from bot.store.schema import deliveries, updates
from bot.store.timeutil import Clock, utc_now

_CACHE_SIZE = 512


@dataclass(frozen=True)
class OwedReport:
    """A delivery report this process holds the lease on, and the change number it reports."""

    report: DeliveryReport
    seq: int


class OutboxQueries(Queries):
    """Announcements (one per update) and delivery reports, each sent at most once per change."""

    def __init__(
        self, engine: AsyncEngine, clock: Clock = utc_now, known: KnownUpdates | None = None
    ) -> None:
        super().__init__(engine, clock)
        # Stored updates never change once written: keep the recent ones to spare queries.
        self._updates = known or KnownUpdates()
        self._announced: set[int] = set()

    def known_announced(self, update_id: int) -> bool:
        """Whether this process saw the update announced (no query needed to know)."""
        return update_id in self._announced

    async def claim_announcements(
        self, now: datetime, lease_seconds: float, limit: int, update_ids: Collection[int] = ()
    ) -> list[StoredUpdate]:
        """Lease unannounced updates (all, or only the given ones)."""
        owed = and_(updates.c.announced.is_(False), _free(updates.c.announce_after, now))
        if update_ids:
            owed = and_(owed, updates.c.id.in_(update_ids))
        until = now + timedelta(seconds=lease_seconds)
        async with self.begin() as conn:
            claimed = await claim_rows(conn, updates, owed, limit, {"announce_after": until})
            return [await self._stored(conn, uid) for uid in claimed]

    async def mark_announced(self, update_id: int, retry_at: datetime | None) -> None:
        """Record the announcement as done (retry_at None) or to be retried at `retry_at`."""
        values: dict[str, bool | datetime]
        values = {"announced": True} if retry_at is None else {"announce_after": retry_at}
        async with self.begin() as conn:
            await conn.execute(update(updates).where(updates.c.id == update_id).values(values))
        if retry_at is None:
            _remember(self._announced, update_id)

    async def claim_reports(
        self, now: datetime, lease_seconds: float, limit: int, update_ids: Collection[int] = ()
    ) -> list[OwedReport]:
        """Lease owed delivery reports of announced updates (all, or only the given ones)."""
        announced = select(updates.c.id).where(updates.c.announced.is_(True))
        if update_ids:
            announced = announced.where(updates.c.id.in_(update_ids))
        owed = and_(
            deliveries.c.reported_seq < deliveries.c.outcome_seq,
            _free(deliveries.c.report_after, now),
            deliveries.c.update_id.in_(announced),
        )
        until = now + timedelta(seconds=lease_seconds)
        async with self.begin() as conn:
            claimed = await claim_rows(conn, deliveries, owed, limit, {"report_after": until})
            if not claimed:
                return []
            rows = await conn.execute(
                select(deliveries).where(deliveries.c.id.in_(claimed)).order_by(deliveries.c.id)
            )
            reports: list[OwedReport] = []
            for row in rows.mappings():
                stored = await self._stored(conn, row["update_id"])
                reports.append(OwedReport(delivery_report(stored, row, now), row["outcome_seq"]))
            return reports

    async def _stored(self, conn: AsyncConnection, update_id: int) -> StoredUpdate:
        """A stored update known to exist (read once, then remembered)."""
        stored = await self._updates.load(conn, update_id)
        assert stored is not None
        return stored

    async def mark_reported(self, owed: OwedReport, retry_at: datetime | None) -> None:
        """Record the report as made (retry_at None) or to be retried at `retry_at`."""
        values: dict[str, object]
        if retry_at is None:
            values = {
                "reported_seq": owed.seq,
                "reported_status": owed.report.status.value,
                "report_after": None,
            }
        else:
            values = {"report_after": retry_at}
        async with self.begin() as conn:
            await conn.execute(
                update(deliveries).where(deliveries.c.id == owed.report.delivery_id).values(values)
            )


def _free(lease_column: ColumnElement[datetime], now: datetime) -> ColumnElement[bool]:
    """No lease or retry delay holds the row back at `now`."""
    return or_(lease_column.is_(None), lease_column <= now)


def _remember(ids: set[int], update_id: int) -> None:
    """Add to a bounded set of ids (cleared when full: it only spares queries)."""
    if len(ids) >= _CACHE_SIZE:
        ids.clear()
    ids.add(update_id)
