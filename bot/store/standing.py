"""The channel's standing update and the binding's current state, which follows it.

The standing update is the channel's latest update (a publish or an opening) that still stands
somewhere: not deleted at every vendor that accepted it. Its state as last edited is the
binding's current state; with none standing, the binding has no state.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import NamedFromClause

from bot.domain.models import DeliveryStatus
from bot.domain.operations import Operation
from bot.store.published import as_last_edited
from bot.store.schema import bindings, deliveries, updates
from bot.store.updates import load_update

_PUBLISH = Operation.PUBLISH.value
_ACCEPTED = DeliveryStatus.ACCEPTED.value
_CHANGES = (Operation.EDIT.value, Operation.DELETE.value)
_STANDS_AS = (Operation.PUBLISH.value, Operation.OPEN.value)


def _deleted(published: NamedFromClause, deletion: NamedFromClause) -> ColumnElement[bool]:
    """A deletion of that publish delivery was accepted by its vendor."""
    return exists().where(
        deletion.c.operation == Operation.DELETE.value,
        deletion.c.status == _ACCEPTED,
        deletion.c.provider == published.c.provider,
        deletion.c.incident_id == published.c.incident_id,
        deletion.c.subject_id == published.c.provider_update_id,
    )


def _stands() -> ColumnElement[bool]:
    """The update was never deleted anywhere, or a vendor still holds it."""
    some, some_deletion = deliveries.alias("some_published"), deliveries.alias("some_deletion")
    held, held_deletion = deliveries.alias("held_published"), deliveries.alias("held_deletion")
    deleted_somewhere = exists().where(
        some.c.update_id == updates.c.id,
        some.c.operation == _PUBLISH,
        _deleted(some, some_deletion),
    )
    still_held = exists().where(
        held.c.update_id == updates.c.id,
        held.c.operation == _PUBLISH,
        held.c.status == _ACCEPTED,
        ~_deleted(held, held_deletion),
    )
    return or_(~deleted_somewhere, still_held)


# Built once: building a statement costs more than running it on SQLite.
_STANDING_ID = (
    select(updates.c.id)
    .where(
        updates.c.channel_id == bindparam("channel"),
        updates.c.operation.in_(_STANDS_AS),
        _stands(),
    )
    .order_by(updates.c.id.desc())
    .limit(1)
)
_NEWEST_ID = (
    select(updates.c.id)
    .where(updates.c.channel_id == bindparam("channel"), updates.c.operation.not_in(_CHANGES))
    .order_by(updates.c.id.desc())
    .limit(1)
)
_CHANNEL_OF = select(updates.c.channel_id).where(updates.c.id == bindparam("update"))
_SET_STATE = (
    update(bindings)
    .where(bindings.c.channel_id == bindparam("channel"))
    .values(current_state=bindparam("state"), updated_at=bindparam("at"))
)


async def newest_update_id(conn: AsyncConnection, channel_id: str) -> int | None:
    """The id of the channel's newest update (not an edit or a deletion), standing or not."""
    found: int | None = (
        await conn.execute(_NEWEST_ID, {"channel": channel_id})
    ).scalar_one_or_none()
    return found


async def standing_update_id(conn: AsyncConnection, channel_id: str) -> int | None:
    """The id of the channel's standing update, or None when none stands."""
    found: int | None = (
        await conn.execute(_STANDING_ID, {"channel": channel_id})
    ).scalar_one_or_none()
    return found


async def follow_standing_update(conn: AsyncConnection, channel_id: str, now: datetime) -> None:
    """Set the binding's current state to the standing update's as last edited (or none)."""
    update_id = await standing_update_id(conn, channel_id)
    stored = None if update_id is None else await load_update(conn, update_id)
    edited = None if stored is None else await as_last_edited(conn, stored)
    value = None if edited is None else edited.submission.update.state.value
    await conn.execute(_SET_STATE, {"channel": channel_id, "state": value, "at": now})


async def follow_change(conn: AsyncConnection, row: Mapping[str, Any], now: datetime) -> None:
    """A final delivery: an edit or a deletion its vendor accepted moves the current state."""
    if row["operation"] not in _CHANGES or row["status"] != _ACCEPTED:
        return
    channel = (await conn.execute(_CHANNEL_OF, {"update": row["update_id"]})).scalar_one_or_none()
    if channel is not None:
        await follow_standing_update(conn, channel, now)
