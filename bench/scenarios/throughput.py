"""Sustained updates per second through the engine to both providers, with nothing lost."""

import time
from dataclasses import dataclass

from bench.driver import Driver, RequestFactory
from bench.environment import BenchStack, cpu_seconds
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
    cpu_seconds: list[float]

    @property
    def cpu_ms_per_update(self) -> float:
        """The bot's CPU time (user + system, all its processes) per update offered, in ms."""
        return sum(self.cpu_seconds) * 1000 / self.updates

    @property
    def cpu_ms_per_update_each(self) -> list[float]:
        """The same for each of the bot's processes, in the order they were given."""
        return [seconds * 1000 / self.updates for seconds in self.cpu_seconds]

    @property
    def per_second(self) -> float:
        """Updates that reached both providers, per second of the whole run."""
        return (self.updates - self.lost) / self.seconds


async def measure_throughput(
    stack: BenchStack, bots: list[BotProcess], count: int, workers: int, tag: str
) -> Throughput:
    """Offer `count` updates from `workers` clients as fast as acks come back; time until the
    last one reached both providers (the rate the engine sustains, not the rate offered).

    The requests go to the first of `bots`; CPU is counted for each of them.
    """
    fakes = [stack.phare, stack.checkly]
    before = [len(created(f)) for f in fakes]
    texts = [f"{tag} throughput update {i}" for i in range(count)]
    cpu_before = [cpu_seconds(bot.process.pid) for bot in bots]
    async with Driver(bots[0].url, workers) as driver:
        started = time.monotonic()
        await driver.concurrent(_updates(stack, texts), count, workers)
    await wait_for_creates(fakes, [b + count for b in before], DRAIN_LIMIT_SECONDS)
    last = max(r.at + f.latency for f in fakes for r in created(f)[-1:])
    last = max(last, started + 1e-3)
    cpu_after = [cpu_seconds(bot.process.pid) for bot in bots]
    cpu = [after - before for after, before in zip(cpu_after, cpu_before, strict=True)]
    losses = [lost_or_doubled(f, texts) for f in fakes]
    return Throughput(
        updates=count,
        seconds=last - started,
        lost=max(lost for lost, _ in losses),
        doubled=max(doubled for _, doubled in losses),
        cpu_seconds=cpu,
    )


def _updates(stack: BenchStack, texts: list[str]) -> RequestFactory:
    """Request `i` publishes `texts[i]` in channel `i mod n`."""

    def make(index: int) -> SignedRequest:
        """One inline update."""
        channel = stack.channels[index % len(stack.channels)].channel_id
        return stack.command(f"monitoring {texts[index]}", channel)

    return make
