"""Channel bindings, status cards, Slack event dedup and the status query (the ChannelRepo)."""

import functools
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import RowMapping, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.models import Target
from bot.domain.operations import Operation
from bot.domain.records import Binding, ChannelStatus, DeliveryReport
from bot.domain.states import ProviderName
from bot.store.binding_rows import load_binding
from bot.store.codec import delivery_report
from bot.store.database import Queries, insert_for
from bot.store.known import KnownUpdates
from bot.store.published import as_last_edited
from bot.store.schema import binding_targets, bindings, deliveries, seen_events, updates
from bot.store.standing import newest_update_id, standing_update_id

_STATUS_SCAN = 50
# Edits and deletions change a published update; they are not updates of the channel.
_CHANGES = (Operation.EDIT.value, Operation.DELETE.value)

# Built once: building a statement costs more than running it on SQLite.
_RECENT_DELIVERIES = (
    select(deliveries)
    .join(updates, updates.c.id == deliveries.c.update_id)
    .where(updates.c.channel_id == bindparam("channel"), updates.c.operation.not_in(_CHANGES))
    .order_by(deliveries.c.update_id.desc(), deliveries.c.id)
    .limit(_STATUS_SCAN)
)


class ChannelQueries(Queries):
    """What the Slack layer asks of the store about channels (see bot.slack.ports.ChannelRepo)."""

    async def get_binding(self, channel_id: str) -> Binding | None:
        """The channel's binding, or None when it has none."""
        async with self.connect() as conn:
            return await load_binding(conn, channel_id)

    async def bind(self, channel_id: str, targets: Sequence[Target]) -> Binding:
        """Bind the channel; each given target replaces the one of its provider.

        A target naming another incident than the one bound (or a binding left with none)
        forgets the title of an incident the bot opened: the card is no longer about it.
        """
        async with self.begin() as conn:
            await self._ensure_row(conn, channel_id)
            if _another_incident(await load_binding(conn, channel_id), targets):
                await conn.execute(
                    update(bindings).where(bindings.c.channel_id == channel_id).values(title=None)
                )
            for target in targets:
                statement = insert_for(self.engine, binding_targets).values(
                    channel_id=channel_id,
                    provider=target.provider.value,
                    incident_id=target.incident_id,
                )
                statement = statement.on_conflict_do_update(
                    index_elements=["channel_id", "provider"],
                    set_={"incident_id": statement.excluded.incident_id},
                )
                await conn.execute(statement)
            binding = await load_binding(conn, channel_id)
        assert binding is not None
        return binding

    async def unbind(self, channel_id: str, provider: ProviderName | None) -> Binding | None:
        """Remove one provider's target (or all); with no target left the binding is gone."""
        async with self.begin() as conn:
            removal = delete(binding_targets).where(binding_targets.c.channel_id == channel_id)
            if provider is not None:
                removal = removal.where(binding_targets.c.provider == provider.value)
            await conn.execute(removal)
            binding = await load_binding(conn, channel_id)
            if binding is not None and not binding.targets:
                await conn.execute(delete(bindings).where(bindings.c.channel_id == channel_id))
                return None
            return binding

    async def claim_card(self, channel_id: str, card_ts: str) -> str:
        """Record the status card's ts if the channel has none; return the ts in effect."""
        async with self.begin() as conn:
            await self._ensure_row(conn, channel_id)
            await conn.execute(
                update(bindings)
                .where(bindings.c.channel_id == channel_id, bindings.c.card_ts.is_(None))
                .values(card_ts=card_ts, updated_at=self.clock())
            )
            found = await conn.execute(
                select(bindings.c.card_ts).where(bindings.c.channel_id == channel_id)
            )
            return str(found.scalar_one())

    async def first_time(self, key: str, ttl_seconds: float) -> bool:
        """True the first time a key is seen within its time to live, False after."""
        now = self.clock()
        statement = insert_for(self.engine, seen_events).values(
            key=key, expires_at=now + timedelta(seconds=ttl_seconds)
        )
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"expires_at": statement.excluded.expires_at},
            where=seen_events.c.expires_at <= now,
        )
        async with self.begin() as conn:
            result = await conn.execute(statement.returning(seen_events.c.key))
            return result.first() is not None

    async def purge_seen_events(self) -> int:
        """Forget event keys whose time to live is over; how many were removed."""
        async with self.begin() as conn:
            result = await conn.execute(
                delete(seen_events).where(seen_events.c.expires_at <= self.clock())
            )
            return result.rowcount

    async def channel_status(self, channel_id: str) -> ChannelStatus:
        """Bindings, the standing update (as last edited) and the latest delivery per provider."""
        async with self.connect() as conn:
            binding = await load_binding(conn, channel_id)
            newest = _newest_per_provider(await _recent_deliveries(conn, channel_id))
            last_id = await standing_update_id(conn, channel_id)
            newest_id = await newest_update_id(conn, channel_id)
            wanted = {row["update_id"] for row in newest} | ({last_id} if last_id else set())
            loaded = {uid: await self._known.load(conn, uid) for uid in wanted}
            last = loaded[last_id] if last_id else None
            if last is not None:
                last = await as_last_edited(conn, last)
        now = self.clock()
        latest: list[DeliveryReport] = []
        for row in newest:
            stored = loaded[row["update_id"]]
            assert stored is not None
            latest.append(delivery_report(stored, row, now))
        return ChannelStatus(
            binding=binding,
            last_update=last,
            last_update_at=last.created_at if last else None,
            latest_deliveries=tuple(sorted(latest, key=lambda r: r.target)),
            newest_id=newest_id,
        )

    @functools.cached_property
    def _known(self) -> KnownUpdates:
        """The updates this object has read already."""
        return KnownUpdates()

    async def _ensure_row(self, conn: AsyncConnection, channel_id: str) -> None:
        """Create the channel's bindings row if missing."""
        statement = insert_for(self.engine, bindings).values(
            channel_id=channel_id, updated_at=self.clock()
        )
        await conn.execute(statement.on_conflict_do_nothing(index_elements=["channel_id"]))


async def _recent_deliveries(conn: AsyncConnection, channel_id: str) -> Sequence[RowMapping]:
    """The channel's most recent delivery rows, newest update first."""
    return (await conn.execute(_RECENT_DELIVERIES, {"channel": channel_id})).mappings().all()


def _newest_per_provider(rows: Sequence[RowMapping]) -> list[RowMapping]:
    """The first row of each provider (rows come newest update first)."""
    newest: dict[str, RowMapping] = {}
    for row in rows:
        newest.setdefault(row["provider"], row)
    return list(newest.values())


def _another_incident(before: Binding | None, targets: Sequence[Target]) -> bool:
    """Whether binding these targets moves the channel to another incident."""
    held = {t.provider: t.incident_id for t in before.targets} if before is not None else {}
    return not held or any(held.get(t.provider, t.incident_id) != t.incident_id for t in targets)
