"""Reminder rows: armed on each new update, claimed when due by one replica, snoozed, cleared.

A row only says when to look next; whether to nudge is decided from the binding and the
channel's last update at that moment. Rows go with their binding (ON DELETE CASCADE).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.operations import Operation
from bot.domain.states import State
from bot.store.database import Queries, insert_for
from bot.store.leases import claim_rows
from bot.store.schema import binding_targets, bindings, reminders, updates
from bot.store.timeutil import UtcDateTime

# What counts as an update for the quiet time: an edit or a deletion changes an old one.
_NEW_UPDATES = (Operation.PUBLISH.value, Operation.OPEN.value)


@dataclass(frozen=True)
class ReminderCheck:
    """A channel as the reminder job sees it when its reminder is due."""

    channel_id: str
    bound: bool
    current_state: State | None
    card_ts: str | None
    last_update_at: datetime | None
    snoozed_until: datetime | None
    last_fired_at: datetime | None


class ReminderQueries(Queries):
    """When each bound, unresolved channel should be looked at next."""

    async def arm(self, channel_id: str, due_at: datetime, *, keep_due: bool = False) -> bool:
        """Look at the channel at `due_at` (or when a snooze ends, if later); True if armed.

        With keep_due, a reminder already armed keeps its time. A channel that is unbound or
        resolved has its reminder removed instead.
        """
        async with self.begin() as conn:
            if not await _wants_reminder(conn, channel_id):
                await conn.execute(delete(reminders).where(reminders.c.channel_id == channel_id))
                return False
            snoozed = await conn.execute(
                select(reminders.c.snoozed_until).where(reminders.c.channel_id == channel_id)
            )
            until = snoozed.scalar_one_or_none()
            due = max(due_at, until) if until is not None else due_at
            statement = insert_for(self.engine, reminders).values(channel_id=channel_id, due_at=due)
            if keep_due:
                await conn.execute(statement.on_conflict_do_nothing(index_elements=["channel_id"]))
            else:
                await conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["channel_id"], set_={"due_at": due}
                    )
                )
            return True

    async def arm_missing(self) -> int:
        """Give every bound, unresolved channel with a status card a reminder if it has none.

        Heals a re-arm that never happened (a crash between storing and arming, a slow store)
        and covers incidents that were open before reminders existed; due now, so the job
        looks at them at once and sets the right time. How many were added.
        """
        unresolved = or_(
            bindings.c.current_state.is_(None), bindings.c.current_state != State.RESOLVED.value
        )
        targeted = select(binding_targets.c.channel_id).where(
            binding_targets.c.channel_id == bindings.c.channel_id
        )
        armed = select(reminders.c.channel_id).where(
            reminders.c.channel_id == bindings.c.channel_id
        )
        missing = select(bindings.c.channel_id, literal(self.clock(), UtcDateTime)).where(
            bindings.c.card_ts.is_not(None), unresolved, targeted.exists(), ~armed.exists()
        )
        statement = insert_for(self.engine, reminders).from_select(
            ["channel_id", "due_at"], missing
        )
        async with self.begin() as conn:
            result = await conn.execute(
                statement.on_conflict_do_nothing(index_elements=["channel_id"]).returning(
                    reminders.c.channel_id
                )
            )
            return len(result.all())

    async def claim_due(self, limit: int, lease_seconds: float) -> list[str]:
        """Channels whose reminder is due, pushed `lease_seconds` ahead so no replica takes them.

        The conditional UPDATE is the claim: of several replicas, one moves a row; the others
        find it no longer due (PostgreSQL re-checks the condition after the row lock).
        """
        now = self.clock()
        until = now + timedelta(seconds=lease_seconds)
        async with self.begin() as conn:
            return await claim_rows(
                conn,
                reminders,
                reminders.c.due_at <= now,
                limit,
                {"due_at": until},
                order_by=reminders.c.due_at,
            )

    async def check(self, channel_id: str) -> ReminderCheck | None:
        """The binding, the last update and the reminder of a channel (None without a reminder)."""
        async with self.connect() as conn:
            found = await conn.execute(
                select(reminders).where(reminders.c.channel_id == channel_id)
            )
            reminder = found.mappings().one_or_none()
            if reminder is None:
                return None
            binding = (
                (await conn.execute(select(bindings).where(bindings.c.channel_id == channel_id)))
                .mappings()
                .one_or_none()
            )
            last = await conn.execute(
                select(func.max(updates.c.created_at)).where(
                    updates.c.channel_id == channel_id, updates.c.operation.in_(_NEW_UPDATES)
                )
            )
            last_update_at = last.scalar_one_or_none()
            bound = await _target_count(conn, channel_id) > 0
        state = binding["current_state"] if binding is not None else None
        return ReminderCheck(
            channel_id=channel_id,
            bound=bound,
            current_state=State(state) if state else None,
            card_ts=binding["card_ts"] if binding is not None else None,
            last_update_at=last_update_at,
            snoozed_until=reminder["snoozed_until"],
            last_fired_at=reminder["last_fired_at"],
        )

    async def reschedule(
        self, channel_id: str, due_at: datetime, *, fired_at: datetime | None = None
    ) -> None:
        """Look at the channel again at `due_at`; record a nudge posted at `fired_at`."""
        values: dict[str, datetime] = {"due_at": due_at}
        if fired_at is not None:
            values["last_fired_at"] = fired_at
        async with self.begin() as conn:
            await conn.execute(
                update(reminders).where(reminders.c.channel_id == channel_id).values(values)
            )

    async def snooze(self, channel_id: str, until: datetime) -> bool:
        """No nudge before `until`, whatever happens meanwhile; False when there is no reminder."""
        async with self.begin() as conn:
            result = await conn.execute(
                update(reminders)
                .where(reminders.c.channel_id == channel_id)
                .values(snoozed_until=until, due_at=until)
            )
            return result.rowcount > 0

    async def clear(self, channel_id: str) -> None:
        """Remove the channel's reminder."""
        async with self.begin() as conn:
            await conn.execute(delete(reminders).where(reminders.c.channel_id == channel_id))


async def _wants_reminder(conn: AsyncConnection, channel_id: str) -> bool:
    """Whether the channel is bound to an incident that is not resolved."""
    state = await conn.execute(
        select(bindings.c.current_state).where(bindings.c.channel_id == channel_id)
    )
    row = state.one_or_none()
    if row is None or row[0] == State.RESOLVED.value:
        return False
    return await _target_count(conn, channel_id) > 0


async def _target_count(conn: AsyncConnection, channel_id: str) -> int:
    """How many incidents the channel is bound to."""
    count = await conn.execute(
        select(func.count()).where(binding_targets.c.channel_id == channel_id)
    )
    return int(count.scalar_one())
