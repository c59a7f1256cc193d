"""Slash-command ack latency, serially and at 20 concurrent, beside the null server's."""

from dataclasses import dataclass

from bench.driver import Driver, RequestFactory
from bench.environment import BenchStack
from bench.stats import Latency
from tests.slack.signing import SignedRequest

WARMUP = 30


@dataclass(frozen=True)
class AckPair:
    """The bot's ack latency and the null server's, driven the same way."""

    bot: Latency
    null: Latency


@dataclass(frozen=True)
class AckFigures:
    """Ack latencies of the bot and of the null server, serial and concurrent."""

    serial: AckPair
    concurrent: AckPair
    workers: int


def inline_updates(stack: BenchStack, tag: str) -> RequestFactory:
    """Request `i`: `/incident-update monitoring <text>` in bound channel `i mod n`."""
    channels = stack.channels

    def make(index: int) -> SignedRequest:
        """The inline update numbered `index`."""
        channel = channels[index % len(channels)].channel_id
        return stack.command(f"monitoring {tag} update {index}", channel)

    return make


async def measure_serial_acks(
    stack: BenchStack, bot_url: str, null_url: str, count: int
) -> AckPair:
    """`count` inline updates one at a time: the null server first, then the bot."""
    make = inline_updates(stack, "serial")
    async with Driver(null_url, 1) as null, Driver(bot_url, 1) as bot:
        await null.serial(make, WARMUP, first=-WARMUP)
        await bot.serial(make, WARMUP, first=-WARMUP)
        null_samples = await null.serial(make, count)
        bot_samples = await bot.serial(make, count)
    return AckPair(
        bot=Latency.of([s.seconds for s in bot_samples]),
        null=Latency.of([s.seconds for s in null_samples]),
    )


async def measure_concurrent_acks(
    stack: BenchStack, bot_url: str, null_url: str, count: int, workers: int
) -> AckPair:
    """`count` inline updates from `workers` clients at once: null server first, then bot."""
    make = inline_updates(stack, "concurrent")
    async with Driver(null_url, workers) as null, Driver(bot_url, workers) as bot:
        await null.concurrent(make, WARMUP, workers, first=-WARMUP)
        await bot.concurrent(make, WARMUP, workers, first=-WARMUP)
        null_samples = await null.concurrent(make, count, workers)
        bot_samples = await bot.concurrent(make, count, workers)
    return AckPair(
        bot=Latency.of([s.seconds for s in bot_samples]),
        null=Latency.of([s.seconds for s in null_samples]),
    )
