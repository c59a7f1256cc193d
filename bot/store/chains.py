"""Deliveries that wait for another: updates to an incident still being opened, the recovery
that follows a resolved update, and the channel bound to incidents as they are opened."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.models import DeliveryStatus, Submission, Target
from bot.domain.operations import Operation, Subject, awaiting_opening, opening_awaited
from bot.domain.records import ChannelStillOpen
from bot.domain.states import ProviderName, State
from bot.domain.targets import recovers_after_resolve
from bot.store.binding_rows import load_binding
from bot.store.database import insert_for
from bot.store.schema import binding_targets, bindings, deliveries, updates

_PENDING = DeliveryStatus.PENDING.value
_SKIPPED = DeliveryStatus.SKIPPED.value
_WAITING = (DeliveryStatus.PENDING.value, DeliveryStatus.IN_FLIGHT.value)


async def resolve_awaited(
    conn: AsyncConnection, rows: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Rows to an incident still being opened wait for its opening; once it is open they go to
    it; when it could not be opened they are skipped, saying so."""
    for row in rows:
        awaited = opening_awaited(row["incident_id"])
        if awaited is None or row["status"] != _PENDING:
            continue
        found = await conn.execute(
            select(deliveries.c.status, deliveries.c.provider_update_id).where(
                deliveries.c.id == awaited, deliveries.c.operation == Operation.OPEN.value
            )
        )
        opening = found.first()
        if opening is not None and opening.status in _WAITING:
            row["waits_for"] = awaited
        elif opening is not None and opening.status == DeliveryStatus.ACCEPTED.value:
            row["incident_id"] = opening.provider_update_id
        else:
            reason = f"not sent: the incident could not be opened at {_label(row['provider'])}"
            row |= _skipped(reason, now) | {"outcome_seq": 1}
    return rows


async def add_recoveries(
    conn: AsyncConnection, update_id: int, submission: Submission, now: datetime
) -> None:
    """After a resolved update, or an edit that makes an update resolved, recover each
    incident that closes that way, once the update (or the edit) is accepted there."""
    if submission.update.state is not State.RESOLVED:
        return
    if submission.operation is Operation.EDIT:
        if await _was_resolved(conn, submission.subject):
            return  # its text corrected: the incident was recovered when it was published
    elif submission.operation is not Operation.PUBLISH:
        return
    published = await conn.execute(
        select(deliveries).where(
            deliveries.c.update_id == update_id, deliveries.c.status == _PENDING
        )
    )
    recoveries = [
        _recovery(row, now)
        for row in published.mappings()
        if recovers_after_resolve(Target(ProviderName(row["provider"]), row["incident_id"]))
    ]
    if recoveries:
        await conn.execute(deliveries.insert(), recoveries)


async def _was_resolved(conn: AsyncConnection, subject: Subject | None) -> bool:
    """Whether the edited update was published resolved."""
    if subject is None:
        return False
    found = await conn.execute(
        select(updates.c.state)
        .join(deliveries, deliveries.c.update_id == updates.c.id)
        .where(deliveries.c.id == subject.delivery_id)
    )
    return found.scalar_one_or_none() == State.RESOLVED.value


async def refuse_opening_if_bound(
    conn: AsyncConnection, channel_id: str | None, now: datetime
) -> None:
    """Raise ChannelStillOpen when the channel is bound to an unresolved incident.

    Checked in the transaction that stores the opening, so two openings at once take turns:
    SQLite's writers begin IMMEDIATE (one at a time); on PostgreSQL the channel's bindings
    row, inserted first when absent (a refusal rolls it back), is locked FOR UPDATE until
    the transaction ends, and the check after the lock reads what the other one committed.
    """
    if channel_id is None:
        return
    if conn.dialect.name == "postgresql":
        row = insert_for(conn.engine, bindings).values(channel_id=channel_id, updated_at=now)
        await conn.execute(row.on_conflict_do_nothing(index_elements=["channel_id"]))
        await conn.execute(
            select(bindings.c.channel_id)
            .where(bindings.c.channel_id == channel_id)
            .with_for_update()
        )
    binding = await load_binding(conn, channel_id)
    if binding is not None and binding.unresolved:
        raise ChannelStillOpen(binding)


async def bind_openings(
    conn: AsyncConnection, update_id: int, submission: Submission, now: datetime
) -> None:
    """Bind the channel to the incidents being opened (each stands in until it is open), with
    a new status card to come and the incident's title."""
    channel_id = submission.channel_id
    if channel_id is None:
        return
    opened = await conn.execute(
        select(deliveries.c.id, deliveries.c.provider).where(
            deliveries.c.update_id == update_id, deliveries.c.status == _PENDING
        )
    )
    targets = [(row.provider, awaiting_opening(row.id)) for row in opened]
    await conn.execute(delete(binding_targets).where(binding_targets.c.channel_id == channel_id))
    title = submission.opening.title if submission.opening is not None else None
    card = {
        "card_ts": None,
        "current_state": State.INVESTIGATING.value,
        "updated_at": now,
        "title": title,
    }
    statement = insert_for(conn.engine, bindings).values(channel_id=channel_id, **card)
    await conn.execute(statement.on_conflict_do_update(index_elements=["channel_id"], set_=card))
    if targets:
        await conn.execute(
            binding_targets.insert(),
            [{"channel_id": channel_id, "provider": p, "incident_id": i} for p, i in targets],
        )


async def settle_waiting(conn: AsyncConnection, row: RowMapping, now: datetime) -> None:
    """A delivery became final: what waited for it goes ahead when it was accepted, and is
    skipped (saying why) when it was not; a binding to an incident being opened follows."""
    if row["status"] == DeliveryStatus.ACCEPTED.value:
        incident_id = row["incident_id"]
        if row["operation"] == Operation.OPEN.value:
            incident_id = row["provider_update_id"]
            await _rebind(conn, awaiting_opening(row["id"]), incident_id)
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.waits_for == row["id"])
            .values(waits_for=None, incident_id=incident_id, next_attempt_at=now)
        )
        return
    label = _label(row["provider"])
    reason = f"not done: the resolved update was not accepted at {label}"
    if row["operation"] == Operation.OPEN.value:
        reason = f"not sent: the incident could not be opened at {label}"
        await conn.execute(
            delete(binding_targets).where(
                binding_targets.c.incident_id == awaiting_opening(row["id"])
            )
        )
    await _skip_chain(conn, [row["id"]], reason, now)


async def _skip_chain(
    conn: AsyncConnection, ids: Sequence[int], reason: str, now: datetime
) -> None:
    """Skip what waits for these deliveries, and what waits for those in turn."""
    while ids:
        waiting = await conn.execute(
            update(deliveries)
            .where(deliveries.c.waits_for.in_(ids))
            .values(_skipped(reason, now) | {"outcome_seq": deliveries.c.outcome_seq + 1})
            .returning(deliveries.c.id)
        )
        ids = list(waiting.scalars())


async def _rebind(conn: AsyncConnection, stand_in: str, incident_id: str) -> None:
    """Bindings waiting for an incident now name it."""
    await conn.execute(
        update(binding_targets)
        .where(binding_targets.c.incident_id == stand_in)
        .values(incident_id=incident_id)
    )


def _recovery(published: RowMapping, now: datetime) -> dict[str, Any]:
    """A recovery row that waits for a published resolved update."""
    return {
        "update_id": published["update_id"],
        "provider": published["provider"],
        "incident_id": published["incident_id"],
        "operation": Operation.RECOVER.value,
        "waits_for": published["id"],
        "status": _PENDING,
        "attempts": 0,
        "needs_reconcile": False,
        "next_attempt_at": now,
        "outcome_seq": 0,
        "reported_seq": 0,
    }


def _skipped(reason: str, now: datetime) -> dict[str, Any]:
    """The columns of a row not sent because what it waited for did not happen."""
    return {"status": _SKIPPED, "waits_for": None, "finished_at": now, "skipped_reason": reason}


def _label(provider: str) -> str:
    """A provider's name as people write it."""
    return ProviderName(provider).label
