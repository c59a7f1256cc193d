"""Two real `serve` processes on one database: 200 updates, each reaching each provider once."""

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from bot.store.repo import Repo, open_repo
from bot.store.schema import deliveries
from tests.e2e.harness import LINK_BOTH, BotProcess, Stack
from tests.fakes.fixtures import CHECKLY_INCIDENT, PHARE_INCIDENT
from tests.polling import eventually

UPDATES = 200
CHANNELS = ("C0REPLICA1", "C0REPLICA2", "C0REPLICA3", "C0REPLICA4")
CONCURRENT_COMMANDS = 8
SETTLE_TIMEOUT = 45.0
ACCEPTED_LINE = re.compile(r"delivery ([0-9]+) to \S+: accepted")


def texts() -> list[str]:
    """One distinct message per update."""
    return [f"Replica check {n:03d}: error rate back under 1%" for n in range(UPDATES)]


def publish_all(stack: Stack, bots: list[BotProcess], contents: list[str]) -> list[int]:
    """Type every update concurrently, alternating replicas and spreading over the channels."""

    def publish(n: int) -> int:
        channel = CHANNELS[(n // len(bots)) % len(CHANNELS)]
        return stack.publish(bots[n % len(bots)], f"monitoring {contents[n]}", channel)

    with ThreadPoolExecutor(CONCURRENT_COMMANDS) as pool:
        return list(pool.map(publish, range(len(contents))))


async def statuses(store: Repo) -> Counter[str]:
    """How many delivery rows stand at each status."""
    async with store.engine.connect() as conn:
        rows = await conn.execute(select(deliveries.c.status))
        return Counter(rows.scalars())


async def provider_ids(store: Repo, provider: str) -> list[str]:
    """The provider update ids the rows of one provider hold."""
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            select(deliveries.c.provider_update_id).where(deliveries.c.provider == provider)
        )
        return [str(found) for found in rows.scalars()]


async def run_two_replicas(stack: Stack) -> None:
    """Two bots on the stack's database take 200 updates; check what each provider holds."""
    bots = [stack.start_bot(wait=False), stack.start_bot(wait=False)]
    for bot in bots:
        bot.wait_healthy()
    for channel in CHANNELS:
        stack.command(bots[0], LINK_BOTH, channel)
    contents = texts()
    assert len(set(publish_all(stack, bots, contents))) == UPDATES

    store = await open_repo(stack.database_url, apply_migrations=False)
    try:

        async def all_accepted() -> Counter[str] | None:
            counts = await statuses(store)
            return counts if counts == Counter({"accepted": 2 * UPDATES}) else None

        try:
            await eventually(all_accepted, within=SETTLE_TIMEOUT, interval=0.2)
        except AssertionError as error:
            raise AssertionError(f"rows: {await statuses(store)}") from error
        phare = stack.phare.applied(PHARE_INCIDENT)
        checkly = stack.checkly.applied(CHECKLY_INCIDENT)
        assert sorted(u["content"] for u in phare) == sorted(contents)
        assert sorted(u["description"] for u in checkly) == sorted(contents)
        assert sorted(await provider_ids(store, "phare")) == sorted(str(u["id"]) for u in phare)
        assert sorted(await provider_ids(store, "checkly")) == sorted(u["id"] for u in checkly)
    finally:
        await store.close()
    shares = [set(ACCEPTED_LINE.findall(bot.log())) for bot in bots]
    assert all(shares), "one replica delivered nothing: the test did not share the work"
    assert not shares[0] & shares[1]
    assert len(shares[0] | shares[1]) == 2 * UPDATES
    for bot in bots:
        bot.kill()  # the threads are still being written; a graceful stop would wait for that


async def test_two_replicas_on_postgresql_deliver_every_update_exactly_once(
    postgres_stack: Stack,
) -> None:
    await run_two_replicas(postgres_stack)


async def test_two_processes_on_one_sqlite_file_deliver_every_update_exactly_once(
    stack: Stack,
) -> None:
    # PRODUCT allows SQLite for one process only; this checks two on one machine still hold.
    await run_two_replicas(stack)
