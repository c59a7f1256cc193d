"""SQLite's one connection: people's requests go first, and a lock held elsewhere never freezes
the event loop (the store waits for it in asyncio)."""

import asyncio
from pathlib import Path

from bot.domain.models import Target
from bot.domain.states import ProviderName
from bot.store.priority import interactive
from bot.store.repo import Repo, open_repo

CHANNEL = "C0PRIORITY"
TARGET = Target(ProviderName.PHARE, "5001")
DEADLINE_SECONDS = 10.0


async def _sqlite_repo(tmp_path: Path, name: str = "store.db") -> Repo:
    """A migrated Repo over a SQLite file in the test's directory."""
    return await open_repo(f"sqlite:///{tmp_path / name}")


async def test_a_waiting_request_gets_the_connection_before_waiting_background_work(
    tmp_path: Path,
) -> None:
    repo = await _sqlite_repo(tmp_path)
    order: list[str] = []
    release = asyncio.Event()

    async def hold() -> None:
        """Keep the only connection busy until told."""
        async with repo.begin():
            await release.wait()

    async def read(name: str, *, person: bool) -> None:
        """Read the binding, as a person's request or as background work."""
        if person:
            with interactive():
                await repo.get_binding(CHANNEL)
        else:
            await repo.get_binding(CHANNEL)
        order.append(name)

    try:
        await repo.bind(CHANNEL, [TARGET])
        holder = asyncio.create_task(hold())
        await asyncio.sleep(0.01)
        waiting = [asyncio.create_task(read(f"background {n}", person=False)) for n in range(3)]
        await asyncio.sleep(0.01)
        waiting.append(asyncio.create_task(read("person", person=True)))
        await asyncio.sleep(0.01)
        assert order == []
        release.set()
        async with asyncio.timeout(DEADLINE_SECONDS):
            await asyncio.gather(holder, *waiting)
        assert order[0] == "person"
        assert sorted(order[1:]) == ["background 0", "background 1", "background 2"]
    finally:
        await repo.close()


async def test_a_write_waits_for_another_processes_lock_without_freezing_the_loop(
    tmp_path: Path,
) -> None:
    first = await _sqlite_repo(tmp_path)
    second = await _sqlite_repo(tmp_path)
    locked = asyncio.Event()
    release = asyncio.Event()
    ticks = 0

    async def hold_the_write_lock() -> None:
        """A write transaction on the other engine (as another process would hold it)."""
        async with first.begin():
            locked.set()
            await release.wait()

    async def tick() -> None:
        """Count turns of the event loop while the write waits."""
        nonlocal ticks
        while not release.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    try:
        holder = asyncio.create_task(hold_the_write_lock())
        await locked.wait()
        ticker = asyncio.create_task(tick())
        write = asyncio.create_task(second.bind(CHANNEL, [TARGET]))
        await asyncio.sleep(0.2)
        assert not write.done()
        assert ticks >= 10
        release.set()
        async with asyncio.timeout(DEADLINE_SECONDS):
            binding = await write
            await asyncio.gather(holder, ticker)
        assert binding.targets == (TARGET,)
        assert (await first.get_binding(CHANNEL)) == binding
    finally:
        await first.close()
        await second.close()
