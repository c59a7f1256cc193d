"""The store as the rest of the bot sees it: one object over one AsyncEngine."""

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.channels import ChannelQueries
from bot.store.database import make_engine
from bot.store.migrate import migrate
from bot.store.outbox import OutboxQueries
from bot.store.queue import DeliveryQueue
from bot.store.reactions import ReactionInbox
from bot.store.recent import RecentQueries
from bot.store.timeutil import Clock, utc_now
from bot.store.updates import UpdateQueries
from bot.store.workers import WorkerQueries


class Repo(ChannelQueries, UpdateQueries, RecentQueries):
    """Channel queries (the Slack layer's ChannelRepo) and update queries; owns the queue too."""

    def __init__(self, engine: AsyncEngine, clock: Clock = utc_now) -> None:
        super().__init__(engine, clock)
        self.queue = DeliveryQueue(engine, clock)
        self.outbox = OutboxQueries(engine, clock, self._known)  # one memory of stored updates
        self.workers = WorkerQueries(engine, clock)
        self.reactions = ReactionInbox(engine, clock)

    async def ping(self) -> bool:
        """Whether the database answers (for /healthz and doctor)."""
        try:
            async with self.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


class StoreUnavailable(Exception):
    """The database named by DATABASE_URL could not be opened (the message holds no password)."""


async def open_repo(url: str, *, clock: Clock = utc_now, apply_migrations: bool = True) -> Repo:
    """Build the engine for a configured URL, migrate it to head, and wrap it in a Repo;
    StoreUnavailable says where and why when the database cannot be opened."""
    engine = make_engine(url)
    try:
        if apply_migrations:
            await migrate(engine)
    except (SQLAlchemyError, OSError) as error:
        await engine.dispose()
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0]
        raise StoreUnavailable(f"cannot open the database at {shown}: {reason}") from error
    return Repo(engine, clock)
