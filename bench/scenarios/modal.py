"""Request → `views.open` received at the fake Slack, for `/incident-update` with no text."""

import asyncio
import time
from dataclasses import dataclass

from bench.driver import Driver, Sample
from bench.environment import BenchStack
from bench.stats import Latency
from tests.slack.signing import SignedRequest

WARMUP = 10
ARRIVAL_WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class ModalOpens:
    """Send → views.open received, for the modals Slack opened; and how many it never got."""

    opened: Latency
    failed: int


async def measure_modal_opens(
    stack: BenchStack, bot_url: str, count: int, workers: int
) -> ModalOpens:
    """Open `count` modals from `workers` concurrent clients; time until Slack got views.open."""
    triggers: dict[int, str] = {}

    def make(index: int) -> SignedRequest:
        """An empty command with a fresh trigger id the fake Slack will accept."""
        triggers[index] = stack.slack.issue_trigger_id()
        channel = stack.channels[index % len(stack.channels)].channel_id
        return stack.command("", channel, trigger_id=triggers[index])

    async with Driver(bot_url, workers) as driver:
        await driver.serial(make, WARMUP, first=-WARMUP)
        samples = await driver.concurrent(make, count, workers)
    await _wait_for_opens(stack, set(triggers.values()))
    seconds = _until_received(stack, samples, triggers)
    return ModalOpens(Latency.of(seconds), failed=count - len(seconds))


async def _wait_for_opens(stack: BenchStack, triggers: set[str]) -> None:
    """Wait until every trigger was used in a views.open call, or the wait is over."""
    deadline = time.monotonic() + ARRIVAL_WAIT_SECONDS
    while time.monotonic() < deadline:
        used = {str(c.params.get("trigger_id")) for c in stack.slack.calls("views.open")}
        if triggers <= used:
            return
        await asyncio.sleep(0.05)


def _until_received(
    stack: BenchStack, samples: list[Sample], triggers: dict[int, str]
) -> list[float]:
    """Per modal opened, seconds from its request's send to the fake Slack receiving views.open."""
    opened = {
        str(call.params.get("trigger_id")): call.at
        for call in stack.slack.calls("views.open")
        if call.status == 200 and call.response.get("ok")
    }
    return [opened[triggers[s.index]] - s.sent_at for s in samples if triggers[s.index] in opened]
