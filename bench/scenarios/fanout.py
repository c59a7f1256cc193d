"""Submission → the last provider has the update: as a ratio to the floor, and as overhead in ms.

A fake "has" an update once its fixed latency has passed after the request arrived (it stores it
then): `arrival + latency`. The floor is `max(provider latencies)`: what an ideal client that
sends to both at the same instant would see. Direct httpx calls to both fakes, made in the same
run, show what this machine and client achieve.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bench.driver import BenchError, Driver
from bench.environment import BenchStack
from bench.scenarios.delivered import created, message_of
from bench.stats import Latency
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.vendor import VendorFake

ARRIVAL_WAIT_SECONDS = 10.0
POLL_SECONDS = 0.002


@dataclass(frozen=True)
class FanOut:
    """Seconds from submission to the last provider having it, per submission."""

    seconds: list[float]

    def latency(self) -> Latency:
        """p50 / p99 in ms."""
        return Latency.of(self.seconds)

    def ratio(self, floor_seconds: float) -> tuple[float, float]:
        """p50 and p99 as a ratio to the floor."""
        summary = self.latency()
        return summary.p50_ms / 1000 / floor_seconds, summary.p99_ms / 1000 / floor_seconds


async def bot_fan_out(stack: BenchStack, bot_url: str, count: int, tag: str) -> FanOut:
    """`count` inline updates one after another, each awaited at both providers."""
    seconds: list[float] = []
    async with Driver(bot_url, 1) as driver:
        for index in range(count):
            channel = stack.channels[index % len(stack.channels)]
            text = f"{tag} fan-out {index}"
            sample = await driver.send(
                index, stack.command(f"monitoring {text}", channel.channel_id)
            )
            seconds.append(await _last_has(stack, text) - sample.sent_at)
    return FanOut(seconds)


async def direct_fan_out(stack: BenchStack, count: int, tag: str) -> FanOut:
    """The same through direct httpx calls to both fakes at once (keep-alive, warmed)."""
    phare_url, checkly_url = stack.provider_urls()
    channel = stack.channels[0]
    seconds: list[float] = []
    async with httpx.AsyncClient(timeout=10.0) as http:
        for index in range(-3, count):
            text = f"{tag} direct {index}"
            phare = _poster(http, f"{phare_url}/uptime/incidents/{channel.phare_incident}/updates")
            checkly = _poster(
                http, f"{checkly_url}/v1/incidents/{channel.checkly_incident}/updates", checkly=True
            )
            started = time.monotonic()
            await asyncio.gather(phare(text), checkly(text))
            if index >= 0:
                seconds.append(await _last_has(stack, text) - started)
    return FanOut(seconds)


def _poster(
    http: httpx.AsyncClient, url: str, *, checkly: bool = False
) -> Callable[[str], Awaitable[None]]:
    """A function posting one update as the vendor expects it."""
    if checkly:
        headers = {"Authorization": f"Bearer {CHECKLY_KEY}", "x-checkly-account": CHECKLY_ACCOUNT}
    else:
        headers = {"Authorization": f"Bearer {PHARE_TOKEN}"}

    async def post(text: str) -> None:
        """Send and check it was taken."""
        body = (
            {"status": "MONITORING", "description": text}
            if checkly
            else {"state": "monitoring", "content": text}
        )
        response = await http.post(url, json=body, headers=headers)
        if response.status_code not in (200, 201):
            raise BenchError(f"direct post answered {response.status_code}")

    return post


async def _last_has(stack: BenchStack, text: str) -> float:
    """When the later of the two providers had the update with this text (monotonic seconds)."""
    deadline = time.monotonic() + ARRIVAL_WAIT_SECONDS
    fakes: list[VendorFake] = [stack.phare, stack.checkly]
    while True:
        has_at = [_has_at(fake, text) for fake in fakes]
        if None not in has_at:
            return max(t for t in has_at if t is not None)
        if time.monotonic() > deadline:
            raise BenchError(f"update {text!r} did not reach both providers")
        await asyncio.sleep(POLL_SECONDS)


def _has_at(fake: VendorFake, text: str) -> float | None:
    """When the fake had the update carrying `text` (arrival + its latency), if it arrived."""
    for request in reversed(created(fake)):
        if message_of(request) == text:
            return request.at + fake.latency
    return None
