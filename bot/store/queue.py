"""The delivery queue: claim due rows under a lease, record what became of them."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, true, type_coerce, update
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.models import DeliveryStatus, Target, Update
from bot.domain.operations import Operation
from bot.domain.records import Backlog, Claim, Disposition
from bot.domain.states import ProviderName, State
from bot.store.chains import settle_waiting
from bot.store.codec import opening_of, outcome_columns
from bot.store.database import Queries
from bot.store.leases import claim_rows
from bot.store.schema import deliveries, updates
from bot.store.standing import follow_change
from bot.store.timeutil import UtcDateTime

_PENDING = DeliveryStatus.PENDING.value
_IN_FLIGHT = DeliveryStatus.IN_FLIGHT.value


class DeliveryQueue(Queries):
    """Claiming and recording deliveries; safe with several processes on one database."""

    async def claim_due(
        self,
        owner: str,
        now: datetime,
        lease_seconds: float,
        limits: Mapping[ProviderName, int],
        update_id: int | None = None,
    ) -> list[Claim]:
        """Lease due rows, up to each provider's limit (of one update, or all), in one transaction.

        Due: pending and due, or in flight with a lapsed lease (its holder died or stalled);
        such a row is marked for reconciliation before anything is sent again.
        """
        due = _due(now)
        if update_id is not None:
            due = and_(deliveries.c.update_id == update_id, due)
        values = _claim_values(owner, now, lease_seconds)
        async with self.begin() as conn:
            ids: list[int] = []
            for provider, limit in limits.items():
                mine = and_(deliveries.c.provider == provider.value, due)
                ids.extend(await claim_rows(conn, deliveries, mine, limit, values))
            if not ids:
                return []
            rows = await conn.execute(_claims_of(ids))
            return [_claim(row) for row in rows.mappings()]

    async def release(self, owner: str, now: datetime) -> int:
        """Give back every row `owner` holds (it is stopping): due now, checked before resending."""
        async with self.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(held_by(owner))
                .values(
                    status=_PENDING,
                    lease_owner=None,
                    lease_expires_at=None,
                    next_attempt_at=now,
                    needs_reconcile=True,
                )
            )
            return result.rowcount

    async def record(
        self, claim: Claim, owner: str, disposition: Disposition, now: datetime
    ) -> bool:
        """Write the result of an attempt; False when the lease was lost to another process."""
        final = disposition.status.is_final
        values: dict[str, Any] = outcome_columns(disposition.outcome) | {
            "status": disposition.status.value,
            "next_attempt_at": disposition.next_attempt_at,
            "needs_reconcile": disposition.needs_reconcile,
            "lease_owner": None,
            "lease_expires_at": None,
            "finished_at": now if final else None,
            "outcome_seq": deliveries.c.outcome_seq + 1,
        }
        async with self.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == claim.delivery_id,
                    deliveries.c.status == _IN_FLIGHT,
                    deliveries.c.lease_owner == owner,
                )
                .values(values)
                .returning(deliveries)
            )
            row = result.mappings().first()
            if row is not None and final:
                await settle_waiting(conn, row, now)
                await follow_change(conn, row, now)
            return row is not None

    async def due_times(self, update_id: int | None = None) -> dict[ProviderName, datetime]:
        """Per provider, when its earliest pending row or in-flight lease comes due."""
        query = (
            select(deliveries.c.provider, func.min(type_coerce(_due_at(), UtcDateTime())))
            .where(
                deliveries.c.status.in_([_PENDING, _IN_FLIGHT]), deliveries.c.waits_for.is_(None)
            )
            .group_by(deliveries.c.provider)
        )
        if update_id is not None:
            query = query.where(deliveries.c.update_id == update_id)
        async with self.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {ProviderName(name): when for name, when in rows if when is not None}

    async def backlog(self) -> dict[ProviderName, Backlog]:
        """Per provider: deliveries not final yet, and how long the oldest due one has waited."""
        now = self.clock()
        due_at = case(
            (_due(now), type_coerce(_due_at(), UtcDateTime())),
            else_=None,
        )
        query = (
            select(deliveries.c.provider, func.count(), func.min(due_at))
            .where(deliveries.c.status.in_([_PENDING, _IN_FLIGHT]))
            .group_by(deliveries.c.provider)
        )
        async with self.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {
            ProviderName(name): Backlog(count, 0.0 if due is None else (now - due).total_seconds())
            for name, count, due in rows
        }

    async def remote_id_taken(self, target: Target, remote_id: str, delivery_id: int) -> bool:
        """Whether another delivery to the target already owns this provider update id."""
        async with self.connect() as conn:
            found = await conn.execute(
                select(deliveries.c.id).where(
                    deliveries.c.provider == target.provider.value,
                    deliveries.c.incident_id == target.incident_id,
                    deliveries.c.provider_update_id == remote_id,
                    deliveries.c.id != delivery_id,
                )
            )
            return found.first() is not None


def _due(now: datetime) -> ColumnElement[bool]:
    """Rows ready for an attempt at `now` (not waiting for another delivery)."""
    return or_(
        and_(
            deliveries.c.status == _PENDING,
            deliveries.c.next_attempt_at <= now,
            deliveries.c.waits_for.is_(None),
        ),
        and_(deliveries.c.status == _IN_FLIGHT, deliveries.c.lease_expires_at <= now),
    )


def _due_at() -> ColumnElement[datetime]:
    """When a row comes due: its next attempt if pending, its lease's end if in flight."""
    return case(
        (deliveries.c.status == _PENDING, deliveries.c.next_attempt_at),
        else_=deliveries.c.lease_expires_at,
    )


def _claims_of(ids: Sequence[int]) -> Select[Any]:
    """The rows with these ids joined to their updates, in id order."""
    return (
        select(
            deliveries,
            updates.c.state,
            updates.c.content,
            updates.c.published_at,
            updates.c.notify_subscribers,
            updates.c.details,
        )
        .join(updates, updates.c.id == deliveries.c.update_id)
        .where(deliveries.c.id.in_(ids))
        .order_by(deliveries.c.id)
    )


def held_by(owner: str) -> ColumnElement[bool]:
    """Rows in flight under `owner`'s lease."""
    return and_(deliveries.c.status == _IN_FLIGHT, deliveries.c.lease_owner == owner)


def _claim_values(owner: str, now: datetime, lease_seconds: float) -> dict[str, Any]:
    """The columns a claim sets (right-hand sides read the row's values before the update)."""
    return {
        "status": _IN_FLIGHT,
        "lease_owner": owner,
        "lease_expires_at": now + timedelta(seconds=lease_seconds),
        "attempts": deliveries.c.attempts + 1,
        "first_attempt_at": func.coalesce(
            deliveries.c.first_attempt_at, literal(now, UtcDateTime())
        ),
        "needs_reconcile": case(
            (deliveries.c.status == _IN_FLIGHT, true()), else_=deliveries.c.needs_reconcile
        ),
    }


def _claim(row: Any) -> Claim:
    """A claimed row as a Claim."""
    return Claim(
        delivery_id=row["id"],
        update_id=row["update_id"],
        target=Target(ProviderName(row["provider"]), row["incident_id"]),
        update=Update(
            State(row["state"]), row["content"], row["published_at"], row["notify_subscribers"]
        ),
        attempts=row["attempts"],
        first_attempt_at=row["first_attempt_at"],
        needs_reconcile=bool(row["needs_reconcile"]),
        operation=Operation(row["operation"]),
        opening=opening_of(row["details"]),
        subject_id=row["subject_id"],
        check_since=row["check_since"],
    )
