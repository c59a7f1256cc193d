"""Received reactions: stored before Slack is answered, removed once handled, taken over when
the process that received one died before it was handled."""

from datetime import timedelta

from sqlalchemy import RowMapping, delete, select

from bot.domain.reactions import Reaction
from bot.store.database import Queries, insert_for
from bot.store.leases import claim_rows
from bot.store.schema import received_reactions as table


class ReactionInbox(Queries):
    """Reactions Slack was told were received and that no process has finished handling."""

    async def receive(self, reaction: Reaction, hold_seconds: float) -> None:
        """Keep the reaction, left to this process for `hold_seconds` (a repeat changes nothing)."""
        due = self.clock() + timedelta(seconds=hold_seconds)
        statement = insert_for(self.engine, table).values(
            event_id=reaction.event_id,
            user_id=reaction.user,
            emoji=reaction.emoji,
            channel_id=reaction.channel,
            message_ts=reaction.ts,
            bot_user_id=reaction.bot_user_id,
            item_user=reaction.item_user,
            due_at=due,
        )
        async with self.begin() as conn:
            await conn.execute(statement.on_conflict_do_nothing(index_elements=["event_id"]))

    async def handled(self, event_id: str) -> None:
        """The reaction became an update, or the reason it publishes nothing was given."""
        async with self.begin() as conn:
            await conn.execute(delete(table).where(table.c.event_id == event_id))

    async def claim_left_over(self, limit: int, hold_seconds: float) -> list[Reaction]:
        """Reactions whose receiver did not handle them in time, held for `hold_seconds`."""
        now = self.clock()
        async with self.begin() as conn:
            ids = await claim_rows(
                conn,
                table,
                table.c.due_at <= now,
                limit,
                {"due_at": now + timedelta(seconds=hold_seconds)},
                order_by=table.c.due_at,
            )
            if not ids:
                return []
            rows = await conn.execute(select(table).where(table.c.event_id.in_(ids)))
            return [_reaction(row) for row in rows.mappings()]


def _reaction(row: RowMapping) -> Reaction:
    """A stored row as the reaction Slack delivered."""
    return Reaction(
        event_id=row["event_id"],
        user=row["user_id"],
        emoji=row["emoji"],
        channel=row["channel_id"],
        ts=row["message_ts"],
        bot_user_id=row["bot_user_id"],
        item_user=row["item_user"],
    )
