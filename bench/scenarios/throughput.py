"""Sustained updates per second through the engine to both providers, with nothing lost."""

import time
from dataclasses import dataclass

from bench.driver import Driver, RequestFactory
from bench.environment import BenchStack
from bench.processes import cpu_by_process
from bench.scenarios.delivered import created, lost_or_doubled, wait_for_creates
from tests.e2e.harness import BotProcess
from tests.slack.signing import SignedRequest

DRAIN_LIMIT_SECONDS = 30.0


@dataclass(frozen=True)
class Throughput:
    """Updates offered, how fast they reached both providers, and what went missing."""

    updates: int
    seconds: float
    lost: int
    doubled: int
    cpu_seconds: dict[str, float]

    @property
    def cpu_ms_per_update(self) -> float:
        """The bot's CPU time (user + system, all its processes) per update offered, in ms."""
        return sum(self.cpu_seconds.values()) * 1000 / self.updates

    @property
    def cpu_ms_per_update_each(self) -> dict[str, float]:
        """The same for each of the bot's processes (a started one, or its children), in ms."""
        return {name: seconds * 1000 / self.updates for name, seconds in self.cpu_seconds.items()}

    @property
    def per_second(self) -> float:
        """Updates that reached both providers, per second of the whole run."""
        return (self.updates - self.lost) / self.seconds


async def measure_throughput(
    stack: BenchStack, bots: list[BotProcess], count: int, workers: int, tag: str
) -> Throughput:
    """Offer `count` updates from `workers` clients as fast as acks come back; time until the
    last one reached both providers (the rate the engine sustains, not the rate offered).

    The requests go to the first of `bots`; CPU is counted for each of them and their children.
    """
    fakes = [stack.phare, stack.checkly]
    before = [len(created(f)) for f in fakes]
    texts = [f"{tag} throughput update {i}" for i in range(count)]
    cpu_before = _cpu(bots)
    async with Driver(bots[0].url, workers) as driver:
        started = time.monotonic()
        await driver.concurrent(_updates(stack, texts), count, workers)
    await wait_for_creates(fakes, [b + count for b in before], DRAIN_LIMIT_SECONDS)
    last = max(r.at + f.latency for f in fakes for r in created(f)[-1:])
    last = max(last, started + 1e-3)
    cpu_after = _cpu(bots)
    cpu = {name: after - cpu_before.get(name, 0.0) for name, after in cpu_after.items()}
    losses = [lost_or_doubled(f, texts) for f in fakes]
    return Throughput(
        updates=count,
        seconds=last - started,
        lost=max(lost for lost, _ in losses),
        doubled=max(doubled for _, doubled in losses),
        cpu_seconds=cpu,
    )


def _cpu(bots: list[BotProcess]) -> dict[str, float]:
    """CPU seconds so far of each bot process and of its children."""
    figures: dict[str, float] = {}
    for bot in bots:
        figures |= cpu_by_process(" ".join(bot.command), bot.process.pid)
    return figures


def _updates(stack: BenchStack, texts: list[str]) -> RequestFactory:
    """Request `i` publishes `texts[i]` in channel `i mod n`."""

    def make(index: int) -> SignedRequest:
        """One inline update."""
        channel = stack.channels[index % len(stack.channels)].channel_id
        return stack.command(f"monitoring {texts[index]}", channel)

    return make
