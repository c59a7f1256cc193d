"""Claiming rows for one process: the one lease mechanism behind deliveries, reports and reminders.

Candidates are locked against other replicas (PostgreSQL `FOR UPDATE SKIP LOCKED`; SQLite has
one writer at a time), and the update re-checks the condition, so a row another process took
in between is never claimed twice.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement


async def claim_rows(
    conn: AsyncConnection,
    table: Table,
    owed: ColumnElement[bool],
    limit: int,
    values: Mapping[str, Any],
    *,
    order_by: ColumnElement[Any] | None = None,
) -> list[Any]:
    """Set `values` on up to `limit` rows where `owed` holds, oldest first; their ids, sorted."""
    key = next(iter(table.primary_key.columns))
    order = key if order_by is None else order_by
    candidates = table.select().with_only_columns(key).where(owed).order_by(order).limit(limit)
    ids = list((await conn.execute(candidates.with_for_update(skip_locked=True))).scalars())
    if not ids:
        return []
    claimed = await conn.execute(
        update(table).where(key.in_(ids), owed).values(dict(values)).returning(key)
    )
    return sorted(claimed.scalars())
