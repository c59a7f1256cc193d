"""Storing submissions and reading updates with their deliveries back."""

import functools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Executable

from bot.domain.models import DeliveryStatus, Submission, Target
from bot.domain.operations import Operation
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName
from bot.store.chains import (
    add_recoveries,
    bind_openings,
    refuse_opening_if_bound,
    resolve_awaited,
)
from bot.store.codec import delivery_report, details_of, stored_update
from bot.store.database import Queries, insert_for, notify_workers
from bot.store.schema import bindings, deliveries, updates

# Built once: building a statement costs more than running it on SQLite.
_UPDATE_ROW = select(updates).where(updates.c.id == bindparam("update"))
_DELIVERY_ROWS = (
    select(deliveries)
    .where(deliveries.c.update_id == bindparam("update"))
    .order_by(deliveries.c.id)
)
_SET_STATE = (
    update(bindings)
    .where(bindings.c.channel_id == bindparam("channel"))
    .values(current_state=bindparam("state"), updated_at=bindparam("at"))
)


class UpdateQueries(Queries):
    """Updates and their delivery rows."""

    async def insert_submission(
        self, submission: Submission, skipped_reasons: Mapping[Target, str]
    ) -> StoredUpdate:
        """Store the update and one delivery row per target in one committed transaction.

        On PostgreSQL the same transaction notifies the workers listening (on commit). A dedup
        key seen before returns the stored update marked duplicate and adds nothing. An opening
        in a channel bound to an unresolved incident raises ChannelStillOpen, storing nothing.
        """
        now = self.clock()
        async with self.begin() as conn:
            update_id = await self._insert_update(conn, submission, now)
            if update_id is None:
                existing = await self._find_by_dedup_key(conn, submission.dedup_key or "")
                return replace(existing, duplicate=True)
            if submission.operation is Operation.OPEN:
                await refuse_opening_if_bound(conn, submission.channel_id, now)
            rows = _delivery_rows(update_id, submission, skipped_reasons, now)
            rows = await resolve_awaited(conn, rows, now)
            await conn.execute(deliveries.insert(), rows)
            await add_recoveries(conn, update_id, submission, now)
            if submission.operation is Operation.OPEN:
                await bind_openings(conn, update_id, submission, now)
            elif submission.channel_id is not None and submission.operation is Operation.PUBLISH:
                state = submission.update.state.value
                await conn.execute(
                    _SET_STATE, {"channel": submission.channel_id, "state": state, "at": now}
                )
            await notify_workers(conn)
        return _as_stored(update_id, submission, rows, now)

    async def deliveries_of(self, update_id: int) -> list[DeliveryReport]:
        """Every delivery of the update as it stands now, in target order (empty if unknown)."""
        async with self.connect() as conn:
            row = await _update_row(conn, update_id)
            if row is None:
                return []
            rows = await delivery_rows_of(conn, update_id)
        stored = stored_update(row, rows)
        now = self.clock()
        return [delivery_report(stored, r, now) for r in rows]

    async def _insert_update(
        self, conn: AsyncConnection, submission: Submission, now: datetime
    ) -> int | None:
        """Insert the update row; None when its dedup key already exists."""
        result = await conn.execute(self._insert_update_once, _update_values(submission, now))
        found: int | None = result.scalar_one_or_none()
        return found

    @functools.cached_property
    def _insert_update_once(self) -> Executable:
        """INSERT of an update row doing nothing on a known dedup key (no key never clashes)."""
        statement = insert_for(self.engine, updates)
        return statement.on_conflict_do_nothing(index_elements=["dedup_key"]).returning(
            updates.c.id
        )

    async def _find_by_dedup_key(self, conn: AsyncConnection, key: str) -> StoredUpdate:
        """The update stored under a dedup key."""
        found = await conn.execute(select(updates.c.id).where(updates.c.dedup_key == key))
        return await self._load(conn, found.scalar_one())

    async def _load(self, conn: AsyncConnection, update_id: int) -> StoredUpdate:
        """A stored update known to exist."""
        stored = await load_update(conn, update_id)
        assert stored is not None
        return stored


async def load_update(conn: AsyncConnection, update_id: int) -> StoredUpdate | None:
    """An update with its targets rebuilt from its delivery rows, or None."""
    row = await _update_row(conn, update_id)
    if row is None:
        return None
    return stored_update(row, await delivery_rows_of(conn, update_id))


async def _update_row(conn: AsyncConnection, update_id: int) -> RowMapping | None:
    """One update row."""
    result = await conn.execute(_UPDATE_ROW, {"update": update_id})
    return result.mappings().one_or_none()


async def delivery_rows_of(conn: AsyncConnection, update_id: int) -> Sequence[RowMapping]:
    """An update's delivery rows, in id order."""
    return (await conn.execute(_DELIVERY_ROWS, {"update": update_id})).mappings().all()


def _update_values(submission: Submission, now: datetime) -> dict[str, Any]:
    """Column values of a new update row."""
    return {
        "author": submission.author,
        "created_at": now,
        "state": submission.update.state.value,
        "content": submission.update.content,
        "published_at": submission.update.published_at,
        "notify_subscribers": submission.update.notify_subscribers,
        "source": submission.source.value,
        "channel_id": submission.channel_id,
        "thread_ts": submission.thread_ts,
        "dedup_key": submission.dedup_key,
        "announced": False,
        "operation": submission.operation.value,
        "details": details_of(submission),
    }


def _delivery_rows(
    update_id: int,
    submission: Submission,
    skipped_reasons: Mapping[Target, str],
    now: datetime,
) -> list[dict[str, Any]]:
    """One pending row per target, then one skipped row per skipped target (each once)."""
    pending = [t for t in dict.fromkeys(submission.targets) if t not in skipped_reasons]
    skipped = [
        t for t in dict.fromkeys((*submission.skipped, *skipped_reasons)) if t not in pending
    ]
    base = {
        "update_id": update_id,
        "operation": submission.operation.value,
        "subject_id": None if submission.subject is None else submission.subject.remote_id,
        "waits_for": None,
        "attempts": 0,
        "needs_reconcile": submission.check_since is not None,
        "check_since": submission.check_since,
        "reported_seq": 0,
        "next_attempt_at": None,
        "skipped_reason": None,
        "finished_at": None,
    }
    pending_columns = {"status": DeliveryStatus.PENDING.value, "next_attempt_at": now}
    rows = [base | _target_columns(t) | pending_columns | {"outcome_seq": 0} for t in pending]
    for target in skipped:
        reason = skipped_reasons.get(target, "skipped")
        skipped_columns = {"status": DeliveryStatus.SKIPPED.value, "skipped_reason": reason}
        finished = {"finished_at": now, "outcome_seq": 1}
        rows.append(base | _target_columns(target) | skipped_columns | finished)
    return rows


def _as_stored(
    update_id: int, submission: Submission, rows: Sequence[Mapping[str, Any]], now: datetime
) -> StoredUpdate:
    """The stored update as reading it back would give (targets and skipped as stored)."""
    skipped = DeliveryStatus.SKIPPED.value
    targets = [_target(r) for r in rows if r["status"] != skipped]
    skipped_targets = [_target(r) for r in rows if r["status"] == skipped]
    stored = replace(submission, targets=tuple(targets), skipped=tuple(skipped_targets))
    return StoredUpdate(id=update_id, submission=stored, created_at=now)


def _target(row: Mapping[str, Any]) -> Target:
    """The target named by a new delivery row."""
    return Target(ProviderName(row["provider"]), row["incident_id"])


def _target_columns(target: Target) -> dict[str, Any]:
    """The columns naming a target."""
    return {"provider": target.provider.value, "incident_id": target.incident_id}
