"""The report outbox: which announcements and delivery reports are still owed, under a lease."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from bot.delivery.reporting import DeliveryReport, StoredUpdate
from bot.store.codec import delivery_report
from bot.store.database import Queries
from bot.store.schema import deliveries, updates
from bot.store.updates import delivery_rows_of, load_update


@dataclass(frozen=True)
class OwedReport:
    """A delivery report this process holds the lease on, and the change number it reports."""

    report: DeliveryReport
    seq: int


class OutboxQueries(Queries):
    """Announcements (one per update) and delivery reports, each sent at most once per change."""

    async def claim_announcements(
        self, now: datetime, lease_seconds: float, limit: int, update_ids: Collection[int] = ()
    ) -> list[StoredUpdate]:
        """Lease unannounced updates (all, or only the given ones)."""
        owed = and_(updates.c.announced.is_(False), _free(updates.c.announce_after, now))
        if update_ids:
            owed = and_(owed, updates.c.id.in_(update_ids))
        until = now + timedelta(seconds=lease_seconds)
        async with self.engine.begin() as conn:
            ids = await _lease(conn, updates.c.id, owed, limit)
            if not ids:
                return []
            claimed = await conn.execute(
                update(updates)
                .where(updates.c.id.in_(ids), owed)
                .values(announce_after=until)
                .returning(updates.c.id)
            )
            found = [await load_update(conn, uid) for uid in sorted(claimed.scalars())]
            return [stored for stored in found if stored is not None]

    async def mark_announced(self, update_id: int, retry_at: datetime | None) -> None:
        """Record the announcement as done (retry_at None) or to be retried at `retry_at`."""
        values = {"announced": True} if retry_at is None else {"announce_after": retry_at}
        async with self.engine.begin() as conn:
            await conn.execute(update(updates).where(updates.c.id == update_id).values(values))

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
        async with self.engine.begin() as conn:
            ids = await _lease(conn, deliveries.c.id, owed, limit)
            if not ids:
                return []
            claimed = await conn.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(ids), owed)
                .values(report_after=until)
                .returning(deliveries.c.id)
            )
            return await _owed_reports(conn, set(claimed.scalars()), now)

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
        async with self.engine.begin() as conn:
            await conn.execute(
                update(deliveries).where(deliveries.c.id == owed.report.delivery_id).values(values)
            )


def _free(lease_column: ColumnElement[datetime], now: datetime) -> ColumnElement[bool]:
    """No lease or retry delay holds the row back at `now`."""
    return or_(lease_column.is_(None), lease_column <= now)


async def _lease(
    conn: AsyncConnection, id_column: ColumnElement[int], owed: ColumnElement[bool], limit: int
) -> list[int]:
    """Ids of owed rows, locked against other replicas (skip those already locked)."""
    query = select(id_column).where(owed).order_by(id_column).limit(limit)
    result = await conn.execute(query.with_for_update(skip_locked=True))
    return list(result.scalars())


async def _owed_reports(conn: AsyncConnection, ids: set[int], now: datetime) -> list[OwedReport]:
    """Reports for the claimed delivery ids, grouped by update, in id order."""
    update_ids = await conn.execute(
        select(deliveries.c.update_id).where(deliveries.c.id.in_(ids)).distinct()
    )
    owed: list[OwedReport] = []
    for update_id in sorted(update_ids.scalars()):
        stored = await load_update(conn, update_id)
        assert stored is not None
        for row in await delivery_rows_of(conn, update_id):
            if row["id"] in ids:
                owed.append(OwedReport(delivery_report(stored, row, now), row["outcome_seq"]))
    return sorted(owed, key=lambda o: o.report.delivery_id)
