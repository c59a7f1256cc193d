"""PostgreSQL wake-ups: storing an update in one process wakes the workers listening elsewhere."""

import asyncio

from bot.store.repo import open_repo
from bot.store.wakeups import PostgresWakeups, conninfo
from tests.delivery.helpers import submission


async def test_a_stored_update_wakes_a_listener_on_another_connection(postgres_url: str) -> None:
    woken = asyncio.Event()
    wakeups = PostgresWakeups(postgres_url, woken.set)
    await wakeups.start()
    repo = await open_repo(postgres_url)
    try:
        woken.clear()  # listening wakes once by itself (a notification may have been missed)
        await repo.insert_submission(submission(), {})
        async with asyncio.timeout(5):
            await woken.wait()
    finally:
        await repo.close()
        await wakeups.stop()


def test_heroku_style_urls_become_libpq_connection_strings() -> None:
    assert conninfo("postgres://u:p@db.example:5432/bot") == "postgresql://u:p@db.example:5432/bot"
