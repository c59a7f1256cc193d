"""Request → `views.open` received at the fake Slack, for `/incident-update` with no text.

"20 concurrent" is 20 people: each sends a command and, once its modal opened (the fake Slack
got the views.open call), sends the next. So at most 20 openings are ever under way.
"""

import asyncio
import time
from dataclasses import dataclass

from bench.driver import Driver
from bench.environment import BenchStack
from bench.stats import Latency
from tests.fakes.slack import FakeSlack

WARMUP = 10
OPEN_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.001


@dataclass(frozen=True)
class ModalOpens:
    """Send → views.open received, for the modals Slack opened; and how many it never got."""

    opened: Latency
    failed: int


class OpenWatcher:
    """Tells when the fake Slack received a successful views.open for a trigger id."""

    def __init__(self, slack: FakeSlack) -> None:
        self._slack = slack
        self._seen = 0
        self._opened: dict[str, float] = {}

    async def opened_at(self, trigger: str) -> float | None:
        """When views.open with this trigger arrived (monotonic), or None after the wait."""
        deadline = time.monotonic() + OPEN_WAIT_SECONDS
        while trigger not in self._opened and time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            self._scan()
        return self._opened.get(trigger)

    def _scan(self) -> None:
        """Note the views.open calls that arrived since the last scan."""
        calls = self._slack.calls()
        for call in calls[self._seen :]:
            if call.method == "views.open" and call.status == 200 and call.response.get("ok"):
                self._opened[str(call.params.get("trigger_id"))] = call.at
        self._seen = len(calls)


async def measure_modal_opens(
    stack: BenchStack, bot_url: str, count: int, workers: int
) -> ModalOpens:
    """`count` modals opened by `workers` people at once; send → views.open received."""
    watcher = OpenWatcher(stack.slack)
    seconds: list[float] = []
    failed = 0

    async def person(indexes: range) -> None:
        """Open a modal, wait for it, open the next."""
        nonlocal failed
        for index in indexes:
            trigger = stack.slack.issue_trigger_id()
            channel = stack.channels[index % len(stack.channels)].channel_id
            sample = await driver.send(index, stack.command("", channel, trigger_id=trigger))
            at = await watcher.opened_at(trigger)
            if index < 0:
                continue
            if at is None:
                failed += 1
            else:
                seconds.append(at - sample.sent_at)

    async with Driver(bot_url, workers) as driver:
        await person(range(-WARMUP, 0))
        share = count // workers
        await asyncio.gather(*(person(range(n * share, (n + 1) * share)) for n in range(workers)))
    return ModalOpens(Latency.of(seconds), failed=failed)
