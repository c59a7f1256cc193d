"""A channel's binding read back as a record (inside any transaction)."""

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.models import Target
from bot.domain.records import Binding
from bot.domain.states import ProviderName, State
from bot.store.schema import binding_targets, bindings

# Built once: building a statement costs more than running it on SQLite.
_BINDING = select(bindings).where(bindings.c.channel_id == bindparam("channel"))
_BINDING_TARGETS = (
    select(binding_targets)
    .where(binding_targets.c.channel_id == bindparam("channel"))
    .order_by(binding_targets.c.provider)
)


async def load_binding(conn: AsyncConnection, channel_id: str) -> Binding | None:
    """The channel's binding as a record."""
    found = await conn.execute(_BINDING, {"channel": channel_id})
    row = found.mappings().one_or_none()
    if row is None:
        return None
    target_rows = await conn.execute(_BINDING_TARGETS, {"channel": channel_id})
    targets = tuple(
        Target(ProviderName(t["provider"]), t["incident_id"]) for t in target_rows.mappings()
    )
    state = State(row["current_state"]) if row["current_state"] else None
    return Binding(channel_id, targets, row["card_ts"], state, row["title"])
