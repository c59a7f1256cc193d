"""`python -m bench.abuse`: ack latency of real commands with and without abuse, in one run.

One `incident-bot serve` against the loopback fakes: first SERIAL real commands alone, then
the same while SLOW unauthenticated connections hang on to half a request head and MALFORMED
bad requests arrive. It passes when the acks under abuse stay within 2x their figure alone
(p50 and p99), every bad request got its 4xx (or its slow connection was closed by the
server), and the bot's log grew by at most one line per bad request, with no traceback.
"""

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.driver import BenchError, Driver
from bench.environment import BenchStack, make_channels
from bench.scenarios.abuse import SlowClients, send_malformed
from bench.scenarios.ack import inline_updates
from bench.stats import Latency
from tests.e2e.harness import BotProcess

SERIAL = 300
WARMUP = 30
SLOW = 200
MALFORMED = 200
MALFORMED_AT_ONCE = 10
CHANNELS = 5
LIMIT_RATIO = 2.0
# The server closes a connection whose head is not complete within this (HEADER_TIMEOUT + slack).
SLOW_CLOSE_WITHIN = 20.0
SETTLE_SECONDS = 2.0
SETTLE_LIMIT_SECONDS = 60.0


def say(text: str) -> None:
    """Progress on stderr."""
    print(f"[bench.abuse] {text}", file=sys.stderr, flush=True)


def log_lines(bot: BotProcess) -> list[str]:
    """The bot's log so far."""
    return bot.log().splitlines()


async def settled_lines(bot: BotProcess) -> int:
    """The log's length once it has stopped growing for SETTLE_SECONDS (deliveries done)."""
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    count, stable_since = len(log_lines(bot)), time.monotonic()
    while time.monotonic() - stable_since < SETTLE_SECONDS:
        if time.monotonic() > deadline:
            raise BenchError(f"the log kept growing for {SETTLE_LIMIT_SECONDS} s")
        await asyncio.sleep(0.1)
        now = len(log_lines(bot))
        if now != count:
            count, stable_since = now, time.monotonic()
    return count


async def acks(stack: BenchStack, bot: BotProcess, tag: str, first: int) -> Latency:
    """SERIAL inline updates one after another; their ack latency."""
    async with Driver(bot.url, 1) as driver:
        samples = await driver.serial(inline_updates(stack, tag), SERIAL, first=first)
    return Latency.of([s.seconds for s in samples])


async def measure(stack: BenchStack, bot: BotProcess) -> dict[str, object]:
    """Both phases against one bot; the figures."""
    port = int(bot.url.rsplit(":", 1)[1])
    async with Driver(bot.url, 1) as driver:
        for index, channel in enumerate(stack.channels):
            await driver.send(index, stack.command(channel.link_text, channel.channel_id))
        await driver.serial(inline_updates(stack, "warmup"), WARMUP, first=-WARMUP)
    before = await settled_lines(bot)
    say(f"{SERIAL} commands alone")
    alone = await acks(stack, bot, "alone", 0)
    middle = await settled_lines(bot)
    quiet_growth = middle - before
    say(f"{SERIAL} commands with {SLOW} slow connections and {MALFORMED} malformed requests")
    slow = SlowClients(port, SLOW)
    await slow.open()
    abused_task = asyncio.create_task(acks(stack, bot, "abused", SERIAL))
    sent, refused = await send_malformed(port, stack.signing_secret, MALFORMED, MALFORMED_AT_ONCE)
    abused = await abused_task
    closed, longest = await slow.closed_by_server(SLOW_CLOSE_WITHIN)
    growth = await settled_lines(bot) - middle - quiet_growth
    lines = log_lines(bot)
    return {
        "ack_alone": alone.as_json(),
        "ack_abused": abused.as_json(),
        "p50_ratio": round(abused.p50_ms / alone.p50_ms, 2),
        "p99_ratio": round(abused.p99_ms / alone.p99_ms, 2),
        "slow_opened": slow.opened,
        "slow_closed_by_server": closed,
        "slow_longest_open_s": round(longest, 1),
        "malformed_sent": sent,
        "malformed_answered_4xx": refused,
        "log_lines_beyond_quiet_run": growth,
        "bad_requests": SLOW + MALFORMED,
        "tracebacks": sum("Traceback" in line for line in lines),
    }


def verdict(figures: dict[str, object]) -> list[str]:
    """The criteria missed (empty: passed)."""
    missed = []
    for ratio in ("p50_ratio", "p99_ratio"):
        if float(str(figures[ratio])) > LIMIT_RATIO:
            missed.append(f"{ratio} {figures[ratio]} > {LIMIT_RATIO}")
    if figures["slow_closed_by_server"] != SLOW:
        missed.append(f"only {figures['slow_closed_by_server']} of {SLOW} slow connections closed")
    if figures["malformed_answered_4xx"] != MALFORMED:
        missed.append(f"only {figures['malformed_answered_4xx']} of {MALFORMED} answered 4xx")
    if int(str(figures["log_lines_beyond_quiet_run"])) > SLOW + MALFORMED:
        missed.append(f"log grew {figures['log_lines_beyond_quiet_run']} lines")
    if figures["tracebacks"]:
        missed.append(f"{figures['tracebacks']} tracebacks in the log")
    return missed


def main() -> int:
    """Run once; print the figures as one JSON line; exit 1 when a criterion is missed."""
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="incident-bot-abuse-") as home:
        stack = BenchStack(Path(home), make_channels(CHANNELS))
        with stack:
            bot, _ = stack.start_bot()
            try:
                figures = asyncio.run(measure(stack, bot))
            except BenchError as error:
                print(f"bench.abuse failed: {error}\n{bot.log()[-3000:]}", file=sys.stderr)
                return 1
            finally:
                bot.kill()
    missed = verdict(figures)
    figures["passed"] = not missed
    say(f"done in {time.monotonic() - began:.0f} s" + (f"; missed: {missed}" if missed else ""))
    print(json.dumps(figures))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
