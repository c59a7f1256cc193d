"""Finding an update a person just stored, so a command retyped after a timeout is not doubled."""

from datetime import timedelta

from sqlalchemy import select

from bot.delivery.reporting import StoredUpdate
from bot.domain.models import Update
from bot.store.database import Queries
from bot.store.schema import updates
from bot.store.updates import load_update

_CANDIDATES = 5


class RecentQueries(Queries):
    """Recent updates by one person in one channel."""

    async def recent_update(
        self, channel_id: str, author: str, update: Update, within_seconds: float
    ) -> StoredUpdate | None:
        """The newest update the author stored in the channel within the window, same words."""
        since = self.clock() - timedelta(seconds=within_seconds)
        query = (
            select(updates.c.id)
            .where(
                updates.c.channel_id == channel_id,
                updates.c.author == author,
                updates.c.state == update.state.value,
                updates.c.content == update.content,
                updates.c.created_at >= since,
            )
            .order_by(updates.c.id.desc())
            .limit(_CANDIDATES)
        )
        async with self.connect() as conn:
            for update_id in (await conn.execute(query)).scalars():
                stored = await load_update(conn, update_id)
                if stored is not None and stored.submission.update == update:
                    return stored
        return None
