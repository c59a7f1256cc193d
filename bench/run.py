"""The bench run: start the bot against the fakes, measure each figure in turn, print them.

Each phase gets a bot of its own on an empty database, so no phase is measured while the
reports of the one before are still being posted.
"""

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bench.driver import BenchError, Driver
from bench.environment import (
    CHECKLY_LATENCY,
    PHARE_LATENCY,
    BenchStack,
    NullServer,
    make_channels,
    peak_rss_mb,
    pss_mb,
)
from bench.probe import StoredFirstProbe
from bench.report import Deliveries, Figures, Load, json_line, table
from bench.scenarios.ack import AckFigures, measure_concurrent_acks, measure_serial_acks
from bench.scenarios.fanout import bot_fan_out, direct_fan_out
from bench.scenarios.modal import measure_modal_opens
from bench.scenarios.throughput import measure_throughput
from tests.e2e.harness import BotProcess

T = TypeVar("T")

WORKERS = 20
CHANNELS = 20
SERIAL_ACKS = 200
CONCURRENT_ACKS = 600
MODAL_OPENS = 300
FAN_OUTS = 30
OVERHEAD_SUBMISSIONS = 60
THROUGHPUT_UPDATES = 800
RESTARTS = 2
DELIVERY_PROCESS_ENDED = "the delivery process ended"


def say(text: str) -> None:
    """Progress, on stderr (stdout carries the table and the JSON line)."""
    print(f"[bench] {text}", file=sys.stderr, flush=True)


class Phases:
    """Runs each measurement against a fresh bot and keeps the bots' peak RSS."""

    def __init__(self, stack: BenchStack) -> None:
        self.stack = stack
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self._count = 0

    def start_times(self) -> tuple[float, float]:
        """Seconds to /healthz 200 on an empty database, and (median) on one at head."""
        bot, fresh = self.stack.start_bot()
        at_head: list[float] = []
        for _ in range(RESTARTS):
            bot.stop()
            bot, seconds = self.stack.start_bot()
            at_head.append(seconds)
        self._finish(bot)
        return fresh, statistics.median(at_head)

    def run(self, name: str, measure: Callable[[BotProcess], Awaitable[T]]) -> T:
        """Start a bot on a new database, bind the channels, measure, record RSS, kill it."""
        say(name)
        self._count += 1
        self.stack.use_new_database(f"phase-{self._count}")
        bot, _ = self.stack.start_bot()
        try:
            return asyncio.run(self._linked_then(bot, measure))
        except BaseException:
            print(bot.log()[-3000:], file=sys.stderr)
            raise
        finally:
            self._finish(bot)

    async def _linked_then(
        self, bot: BotProcess, measure: Callable[[BotProcess], Awaitable[T]]
    ) -> T:
        """Bind every bench channel to its incidents, then measure."""
        async with Driver(bot.url, 1) as driver:
            for index, channel in enumerate(self.stack.channels):
                request = self.stack.command(channel.link_text, channel.channel_id)
                sample = await driver.send(index, request)
                if b"now publishes" not in sample.body:
                    raise BenchError(f"link failed in {channel.channel_id}: {sample.body!r}")
        return await measure(bot)

    def _finish(self, bot: BotProcess) -> None:
        """Keep the highest memory figures seen, then kill the bot (its backlog is of no interest).

        PSS is read at the end of the phase: CPython seldom gives memory back, so the end of
        a phase is close to its peak.
        """
        self.peak_rss_mb = max(self.peak_rss_mb, peak_rss_mb(bot.process.pid))
        self.peak_pss_mb = max(self.peak_pss_mb, pss_mb(bot.process.pid))
        bot.kill()
        log = bot.log_path.read_text(errors="replace")
        if DELIVERY_PROCESS_ENDED in log:
            raise BenchError(f"the bot's delivery process died:\n{log[-3000:]}")


def measure_load(phases: Phases, null: NullServer, probe: StoredFirstProbe) -> Load:
    """Every load figure, each phase on its own bot."""
    stack = phases.stack
    serial = phases.run(
        "ack latency, serial (null server, then bot)",
        lambda bot: measure_serial_acks(stack, bot.url, null.url, SERIAL_ACKS),
    )
    concurrent = phases.run(
        f"ack latency, {WORKERS} concurrent (null server, then bot)",
        lambda bot: measure_concurrent_acks(stack, bot.url, null.url, CONCURRENT_ACKS, WORKERS),
    )
    modal = phases.run(
        f"request -> views.open, {WORKERS} concurrent",
        lambda bot: measure_modal_opens(stack, bot.url, MODAL_OPENS, WORKERS),
    )
    deliveries = phases.run(
        "submission -> last provider: 80 / 120 ms, then at once",
        lambda bot: _fan_outs(stack, bot, probe),
    )
    throughput = phases.run(
        f"sustained updates per second ({THROUGHPUT_UPDATES} updates, {WORKERS} clients)",
        lambda bot: measure_throughput(stack, bot, THROUGHPUT_UPDATES, WORKERS),
    )
    return Load(AckFigures(serial, concurrent, WORKERS), modal, deliveries, throughput)


async def _fan_outs(stack: BenchStack, bot: BotProcess, probe: StoredFirstProbe) -> Deliveries:
    """Fan-out with the fixed latencies, then with providers answering at once (probe on)."""
    fan_bot = await bot_fan_out(stack, bot.url, FAN_OUTS, "slow")
    fan_direct = await direct_fan_out(stack, FAN_OUTS, "slow")
    stack.set_provider_latency(0.0, 0.0)
    probe.database, probe.enabled = stack.database_path, True
    try:
        over_bot = await bot_fan_out(stack, bot.url, OVERHEAD_SUBMISSIONS, "fast")
    finally:
        probe.enabled = False
    over_direct = await direct_fan_out(stack, OVERHEAD_SUBMISSIONS, "fast")
    stack.set_provider_latency(PHARE_LATENCY, CHECKLY_LATENCY)
    return Deliveries(fan_bot, fan_direct, over_bot, over_direct)


def run(home: Path) -> Figures:
    """Everything, in one temporary home."""
    stack = BenchStack(home, make_channels(CHANNELS))
    probe = StoredFirstProbe()
    stack.install_probe(probe)
    with stack:
        phases = Phases(stack)
        say("start -> /healthz: empty database, then restarts at head")
        fresh, at_head = phases.start_times()
        null = NullServer()
        try:
            load = measure_load(phases, null, probe)
        finally:
            null.stop()
    return Figures(
        load=load,
        floor_seconds=max(PHARE_LATENCY, CHECKLY_LATENCY),
        stored_first=probe.stored_first,
        not_stored_first=probe.not_stored,
        peak_rss_mb=phases.peak_rss_mb,
        peak_pss_mb=phases.peak_pss_mb,
        start_fresh_seconds=fresh,
        start_at_head_seconds=at_head,
    )


def main() -> int:
    """Run, print the table and the JSON line; exit 1 if a measurement could not be made."""
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="incident-bot-bench-") as home:
        try:
            figures = run(Path(home))
        except BenchError as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    say(f"done in {time.monotonic() - began:.0f} s")
    print(table(figures))
    print(json_line(figures))
    return 0
