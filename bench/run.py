"""The bench run: start the bot against the fakes, measure each figure in turn, print them.

Each phase gets a bot of its own on an empty database, so no phase is measured while the
reports of the one before are still being posted.
"""

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from bench.driver import BenchError
from bench.environment import (
    CHECKLY_LATENCY,
    PHARE_LATENCY,
    BenchStack,
    NullServer,
    make_channels,
)
from bench.figures import Apart, Deliveries, Figures, Load, Takeovers
from bench.postgres import postgres_base_url
from bench.probe import StoredFirstProbe
from bench.processes import Memory, MemoryWatch
from bench.report import json_line, table
from bench.scenarios.ack import (
    AckFigures,
    AckPair,
    measure_concurrent_acks,
    measure_serial_acks,
)
from bench.scenarios.fanout import bot_fan_out, direct_fan_out
from bench.scenarios.modal import measure_modal_opens
from bench.scenarios.takeover import Takeover, replica_rounds, restart_rounds
from bench.scenarios.throughput import Throughput, measure_throughput
from tests.e2e.harness import BotProcess
from tests.postgres import fresh_schema

T = TypeVar("T")

WORKERS = 20
CHANNELS = 20
SERIAL_ACKS = 200
CONCURRENT_ACKS = 600
MODAL_OPENS = 100
FAN_OUTS = 30
OVERHEAD_SUBMISSIONS = 60
THROUGHPUT_UPDATES = 800
RESTARTS = 2
TAKEOVER_ROUNDS = 3
SERVE = ("serve",)
WEB, WORKER = ("serve", "--no-worker"), ("worker",)


def say(text: str) -> None:
    """Progress, on stderr (stdout carries the table and the JSON line)."""
    print(f"[bench] {text}", file=sys.stderr, flush=True)


class Phases:
    """Runs each measurement against fresh bots and keeps each kind of process's peak memory."""

    def __init__(self, stack: BenchStack) -> None:
        self.stack = stack
        self.memory: dict[str, Memory] = {}
        self._count = 0

    def start_times(self) -> tuple[float, float]:
        """Seconds to /healthz 200 on an empty database, and (median) on one at head."""
        bot, fresh = self.stack.start_bot()
        at_head: list[float] = []
        for _ in range(RESTARTS):
            bot.stop()
            bot, seconds = self.stack.start_bot()
            at_head.append(seconds)
        watch = MemoryWatch([bot])
        watch.sample()
        self._finish([bot], watch)
        return fresh, statistics.median(at_head)

    def run(self, name: str, measure: Callable[[BotProcess], Awaitable[T]]) -> T:
        """One `serve` on a new SQLite database, the channels bound; measure, then kill it."""
        self._count += 1
        self.stack.use_new_database(f"phase-{self._count}")
        return asyncio.run(self.measure(name, [SERVE], lambda bots: measure(bots[0])))

    async def measure(
        self,
        name: str,
        commands: Sequence[Sequence[str]],
        measure: Callable[[list[BotProcess]], Awaitable[T]],
    ) -> T:
        """Start a bot process per command on the stack's database, bind the channels through
        the first, measure while watching the memory of the processes and their children,
        kill them."""
        say(name)
        bots = [self.stack.start_bot(command)[0] for command in commands]
        watch = MemoryWatch(bots)
        try:
            with watch:
                await self.stack.link_all(bots[0].url)
                return await measure(bots)
        except BaseException:
            for bot in bots:
                print(bot.log()[-3000:], file=sys.stderr)
            raise
        finally:
            self._finish(bots, watch)

    def _finish(self, bots: list[BotProcess], watch: MemoryWatch) -> None:
        """Keep the highest memory figures seen for each kind of process, then kill the bots
        (their backlog is of no interest). A bot that died during the phase fails the run; a
        child restarted during it is said.
        """
        for label, memory in watch.seen.items():
            self.memory[label] = memory.max(self.memory.get(label))
        for label, pids in watch.child_pids.items():
            if len(pids) > 1:
                say(f"`{label}` ran as {len(pids)} processes (restarted); all are counted")
        for bot in bots:
            if bot.process.poll() is not None:
                raise BenchError(f"a bot process died:\n{bot.log()[-3000:]}")
            bot.kill()


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
        f"request -> views.open, {MODAL_OPENS} commands, {WORKERS} at a time",
        lambda bot: measure_modal_opens(stack, bot.url, MODAL_OPENS, WORKERS),
    )
    deliveries = phases.run(
        "submission -> last provider: 80 / 120 ms, then at once",
        lambda bot: _fan_outs(stack, bot, probe),
    )
    throughput = phases.run(
        f"sustained updates per second ({THROUGHPUT_UPDATES} updates, {WORKERS} clients)",
        lambda bot: measure_throughput(stack, [bot], THROUGHPUT_UPDATES, WORKERS, "serve"),
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


def measure_apart_and_takeovers(phases: Phases, null: NullServer) -> tuple[Apart, Takeovers]:
    """`serve --no-worker` + `worker` (serial acks, throughput), and both takeover times.

    On PostgreSQL when one answers (the way to run web and workers apart); else web and
    worker on SQLite, and the replicas not measured.
    """
    stack = phases.stack
    say(f"takeover: `serve` killed during a send, restarted at once ({TAKEOVER_ROUNDS} rounds)")
    stack.use_new_database("takeover-restart")
    restart = asyncio.run(restart_rounds(stack, TAKEOVER_ROUNDS))
    base = postgres_base_url()
    if base is None:
        say("no PostgreSQL answers: web and worker apart on SQLite; replicas not measured")
        stack.use_new_database("apart")
        serial = asyncio.run(_apart_acks(phases, null))
        stack.use_new_database("apart-throughput")
        apart = asyncio.run(_apart(phases))
        return Apart(apart, serial, "SQLite"), Takeovers(restart, None)
    apart, serial, replicas = asyncio.run(_on_postgres(phases, null, base))
    return Apart(apart, serial, "PostgreSQL"), Takeovers(restart, replicas)


async def _on_postgres(
    phases: Phases, null: NullServer, base: str
) -> tuple[Throughput, AckPair, Takeover]:
    """The PostgreSQL phases, each in a fresh schema dropped afterwards."""
    stack = phases.stack
    async with fresh_schema(base) as url:
        stack.use_database_url(url)
        serial = await _apart_acks(phases, null)
    async with fresh_schema(base) as url:
        stack.use_database_url(url)
        apart = await _apart(phases)
    say(f"takeover: one of two replicas killed mid-delivery ({TAKEOVER_ROUNDS} rounds)")
    async with fresh_schema(base) as url:
        stack.use_database_url(url)
        replicas = await replica_rounds(stack, TAKEOVER_ROUNDS)
    return apart, serial, replicas


async def _apart_acks(phases: Phases, null: NullServer) -> AckPair:
    """Serial ack latency with the web process and a worker process apart."""
    return await phases.measure(
        "ack latency, serial, `serve --no-worker` + `worker` (null server, then bot)",
        [WEB, WORKER],
        lambda bots: measure_serial_acks(phases.stack, bots[0].url, null.url, SERIAL_ACKS),
    )


async def _apart(phases: Phases) -> Throughput:
    """Sustained throughput with the web process and a worker process apart."""
    return await phases.measure(
        f"updates per second, `serve --no-worker` + `worker` ({THROUGHPUT_UPDATES} updates)",
        [WEB, WORKER],
        lambda bots: measure_throughput(phases.stack, bots, THROUGHPUT_UPDATES, WORKERS, "apart"),
    )


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
            apart, takeovers = measure_apart_and_takeovers(phases, null)
        finally:
            null.stop()
    return Figures(
        load=load,
        floor_seconds=max(PHARE_LATENCY, CHECKLY_LATENCY),
        stored_first=probe.stored_first,
        not_stored_first=probe.not_stored,
        memory=phases.memory,
        apart=apart,
        takeovers=takeovers,
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
