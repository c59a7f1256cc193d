"""Store work cancelled mid-statement (a Slack deadline passed, a worker stopping) leaves the
store writable at once, not once the abandoned statement happens to be collected."""

import asyncio

from sqlalchemy import event, text

from bot.store.database import make_engine

# Long enough to be under way when it is cancelled (about a second on SQLite).
SLOW_READ = text(
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3000000) "
    "SELECT count(*) FROM r"
)


async def test_a_write_after_a_transaction_cancelled_mid_statement_goes_through(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (body TEXT)"))
    started = asyncio.Event()

    def note_the_slow_read(*args: object) -> None:
        """Tell the test the slow read is being sent to the database."""
        if "RECURSIVE" in str(args[2]):
            started.set()

    event.listen(engine.sync_engine, "before_cursor_execute", note_the_slow_read)

    async def read_slowly_in_a_write_transaction() -> None:
        async with engine.begin() as conn:
            await conn.execute(SLOW_READ)

    reading = asyncio.create_task(read_slowly_in_a_write_transaction())
    await started.wait()
    reading.cancel()
    await asyncio.gather(reading, return_exceptions=True)
    assert reading.cancelled()
    event.remove(engine.sync_engine, "before_cursor_execute", note_the_slow_read)

    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO notes (body) VALUES ('still writable')"))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT body FROM notes"))).scalars().all() == [
            "still writable"
        ]
    await engine.dispose()
