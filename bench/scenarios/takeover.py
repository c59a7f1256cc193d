"""Takeover after a SIGKILL: how long until another worker (or the restart) finished the work.

Restart: the whole `serve` is killed while Phare holds its send open, and started again at
once; the clock stops when Phare holds the update and its delivery row is accepted.
Replicas: two `serve` share PostgreSQL; the one sending the hung update is killed mid-delivery
with more updates just stored, and not restarted; the clock stops when the other delivered
everything. Each update must reach each provider exactly once.
"""

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench.driver import BenchError
from bench.environment import BenchStack, Channel, wait_healthy
from bench.scenarios.delivered import created, message_of, text_of
from bot.domain.models import DeliveryStatus
from bot.store.repo import Repo, open_repo
from tests.e2e.harness import BotProcess
from tests.e2e.rows import lease_owner_pid, parent_pid
from tests.fakes.replies import Reply

POLL_SECONDS = 0.01
WAIT_SECONDS = 60.0
MORE_UPDATES = 5


@dataclass(frozen=True)
class Takeover:
    """Seconds from each round's kill (and restart, when there was one) to the work done."""

    from_kill: list[float]
    from_restart: list[float]

    @staticmethod
    def median_max(seconds: list[float]) -> tuple[float, float]:
        """The median and the largest."""
        return statistics.median(seconds), max(seconds)


async def restart_rounds(stack: BenchStack, rounds: int) -> Takeover:
    """Kill `serve` during a hung Phare send, restart it at once; `rounds` times."""
    bot, _ = stack.start_bot()
    await stack.link_all(bot.url)
    store = await open_repo(stack.database_url, apply_migrations=False)
    from_kill: list[float] = []
    from_restart: list[float] = []
    try:
        for n in range(rounds):
            channel = stack.channels[n % len(stack.channels)]
            text = f"takeover restart {n}"
            update_id = await _hung(stack, store, bot, channel, text)
            bot.kill()
            killed_at = time.monotonic()
            bot = stack.launch()
            restarted_at = time.monotonic()
            done_at = await _delivered(stack, store, [update_id], {channel: [text]})
            from_kill.append(done_at - killed_at)
            from_restart.append(done_at - restarted_at)
    finally:
        await store.close()
        bot.kill()
    return Takeover(from_kill, from_restart)


async def replica_rounds(stack: BenchStack, rounds: int) -> Takeover:
    """Two `serve` on PostgreSQL; kill the one holding a hung send, never restarted; `rounds`
    times (a new replica joins between rounds)."""
    bots = [stack.launch(), stack.launch()]
    for bot in bots:
        wait_healthy(bot.url)
    await stack.link_all(bots[0].url)
    store = await open_repo(stack.database_url, apply_migrations=False)
    from_kill: list[float] = []
    try:
        for n in range(rounds):
            channel = stack.channels[n % len(stack.channels)]
            texts = [
                f"takeover replica {n} hung",
                *(f"replica {n} more {k}" for k in range(MORE_UPDATES)),
            ]
            hung_id = await _hung(stack, store, bots[0], channel, texts[0])
            owner = await lease_owner_pid(store, hung_id)
            victim = next(
                (b for b in bots if owner is not None and b.process.pid == parent_pid(owner)), None
            )
            if victim is None:
                raise BenchError(f"no replica holds update {hung_id} (owner pid {owner})")
            ids = [
                hung_id,
                *(stack.publish(victim, f"identified {t}", channel.channel_id) for t in texts[1:]),
            ]
            victim.kill()
            killed_at = time.monotonic()
            done_at = await _delivered(stack, store, ids, {channel: texts})
            from_kill.append(done_at - killed_at)
            bots = [b for b in bots if b is not victim]
            bots.append(stack.launch())
            wait_healthy(bots[-1].url)
    finally:
        await store.close()
        for bot in bots:
            bot.kill()
    return Takeover(from_kill, [])


async def _hung(
    stack: BenchStack, store: Repo, bot: BotProcess, channel: Channel, text: str
) -> int:
    """Publish `text` with Phare's next create left hanging; return once Phare holds the
    request open and Checkly has accepted (so only the Phare send is under way)."""
    stack.phare.script(Reply.hang())
    update_id = stack.publish(bot, f"monitoring {text}", channel.channel_id)

    async def under_way() -> bool:
        arrived = any(message_of(r) == text for r in created(stack.phare))
        reports = await store.deliveries_of(update_id)
        checkly = [r for r in reports if r.target.provider.value == "checkly"]
        return arrived and all(r.status is DeliveryStatus.ACCEPTED for r in checkly)

    await _until(under_way, f"update {text!r} under way")
    return update_id


async def _delivered(
    stack: BenchStack, store: Repo, update_ids: list[int], texts: dict[Channel, list[str]]
) -> float:
    """When every update's rows were accepted and both providers held each text; then check
    that each provider holds each exactly once."""

    async def done() -> bool:
        for update_id in update_ids:
            reports = await store.deliveries_of(update_id)
            if any(r.status is not DeliveryStatus.ACCEPTED for r in reports):
                return False
        return all(held[t] > 0 for held, t in _held(stack, texts))

    await _until(done, f"updates {update_ids} delivered")
    done_at = time.monotonic()
    doubled = [t for held, t in _held(stack, texts) if held[t] != 1]
    if doubled:
        raise BenchError(f"delivered more than once: {doubled}")
    return done_at


def _held(stack: BenchStack, texts: dict[Channel, list[str]]) -> list[tuple[Counter[str], str]]:
    """For each provider and expected text, how often each text is held there."""
    pairs: list[tuple[Counter[str], str]] = []
    for channel, wanted in texts.items():
        applied = [
            stack.phare.applied(channel.phare_incident),
            stack.checkly.applied(channel.checkly_incident),
        ]
        for updates in applied:
            held = Counter(text_of(u) for u in updates)
            pairs.extend((held, t) for t in wanted)
    return pairs


async def _until(probe: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll `probe` until true, or raise after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not await probe():
        if time.monotonic() > deadline:
            raise BenchError(f"{what}: not within {WAIT_SECONDS} s")
        await asyncio.sleep(POLL_SECONDS)
