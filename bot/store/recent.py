"""Finding an update stored already: a retyped command, a redelivered reaction are not doubled."""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.models import Update
from bot.domain.records import Binding, StoredUpdate
from bot.store.binding_rows import load_binding
from bot.store.database import Queries
from bot.store.schema import updates
from bot.store.updates import load_update

_CANDIDATES = 5
# Built once: building a statement costs more than running it on SQLite.
_SAME_WORDS = (
    select(updates.c.id)
    .where(
        updates.c.channel_id == bindparam("channel"),
        updates.c.author == bindparam("author"),
        updates.c.state == bindparam("state"),
        updates.c.content == bindparam("content"),
        updates.c.created_at >= bindparam("since"),
    )
    .order_by(updates.c.id.desc())
    .limit(_CANDIDATES)
)
_BY_DEDUP_KEY = select(updates.c.id).where(updates.c.dedup_key == bindparam("key"))


class RecentQueries(Queries):
    """Recent updates by one person in one channel; updates stored under a dedup key."""

    async def stored_under(self, dedup_key: str) -> bool:
        """Whether an update with this dedup key is stored."""
        async with self.connect() as conn:
            found = await conn.execute(_BY_DEDUP_KEY, {"key": dedup_key})
            return found.first() is not None

    async def recent_update(
        self, channel_id: str, author: str, update: Update, within_seconds: float
    ) -> StoredUpdate | None:
        """The newest update the author stored in the channel within the window, same words."""
        since = self.clock() - timedelta(seconds=within_seconds)
        async with self.connect() as conn:
            return await _recent(conn, channel_id, author, update, since)

    async def binding_and_recent_update(
        self, channel_id: str, author: str, update: Update, within_seconds: float
    ) -> tuple[Binding | None, StoredUpdate | None]:
        """get_binding and recent_update in one read (one connection, one snapshot)."""
        since = self.clock() - timedelta(seconds=within_seconds)
        async with self.connect() as conn:
            binding = await load_binding(conn, channel_id)
            return binding, await _recent(conn, channel_id, author, update, since)


async def _recent(
    conn: AsyncConnection, channel_id: str, author: str, update: Update, since: datetime
) -> StoredUpdate | None:
    """The newest update the author stored in the channel since `since`, same words."""
    params = {
        "channel": channel_id,
        "author": author,
        "state": update.state.value,
        "content": update.content,
        "since": since,
    }
    for update_id in (await conn.execute(_SAME_WORDS, params)).scalars():
        stored = await load_update(conn, update_id)
        if stored is not None and stored.submission.update == update:
            return stored
    return None
