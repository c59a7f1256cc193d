"""`serve` runs as two processes: one answers Slack, its child delivers and reports.

What a responder sees must not change: an update typed in Slack reaches both providers and is
reported in the thread. The child ends with the parent (SIGTERM or SIGKILL); if the child
dies, the parent takes the deliveries over.
"""

import os
import signal
import subprocess
from pathlib import Path

from bot.domain.models import DeliveryStatus
from bot.store.repo import Repo
from tests.e2e.harness import LINK_BOTH, BotProcess, Stack, wait_until
from tests.e2e.rows import CHECKLY, PHARE, settles
from tests.fakes.fixtures import CHECKLY_INCIDENT, PHARE_INCIDENT


def children(bot: BotProcess) -> list[int]:
    """The pids of the bot's child processes."""
    pid = bot.process.pid
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def alive(pid: int) -> bool:
    """Whether a process with this pid exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


async def delivered(stack: Stack, store: Repo, update_id: int, text: str) -> None:
    """Both providers hold the update once and both rows say accepted."""
    await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
    await settles(store, update_id, CHECKLY, DeliveryStatus.ACCEPTED)
    assert [u["content"] for u in stack.phare.applied(PHARE_INCIDENT)].count(text) == 1
    assert [u["description"] for u in stack.checkly.applied(CHECKLY_INCIDENT)].count(text) == 1


async def test_serve_delivers_from_a_child_process(stack: Stack, store: Repo) -> None:
    bot = stack.start_bot()
    (child,) = children(bot)
    stack.command(bot, LINK_BOTH)
    update_id = stack.publish(bot, "monitoring Delivered by the child")
    await delivered(stack, store, update_id, "Delivered by the child")
    # The thread hears about it: a card for the update, and a receipt from each provider.
    wait_until(lambda: len(stack.slack.calls("chat.postMessage")) >= 3)
    assert alive(child)


async def test_parent_takes_over_when_the_child_dies(stack: Stack, store: Repo) -> None:
    bot = stack.start_bot()
    (child,) = children(bot)
    stack.command(bot, LINK_BOTH)
    os.kill(child, signal.SIGKILL)
    wait_until(lambda: "this process delivers from now on" in bot.log())
    update_id = stack.publish(bot, "monitoring Delivered by the parent")
    await delivered(stack, store, update_id, "Delivered by the parent")
    assert bot.process.poll() is None


def test_child_stops_with_the_parent_on_sigterm(stack: Stack) -> None:
    bot = stack.start_bot()
    (child,) = children(bot)
    bot.stop()
    assert bot.process.returncode == 0
    wait_until(lambda: not alive(child), timeout=5.0)


def test_child_is_killed_with_the_parent(stack: Stack) -> None:
    bot = stack.start_bot()
    (child,) = children(bot)
    bot.kill()
    wait_until(lambda: not alive(child), timeout=5.0)


def test_one_ctrl_c_stops_both(stack: Stack) -> None:
    """Ctrl-C in a terminal signals the whole foreground group; both exit cleanly once."""
    bot = stack.start_bot()
    (child,) = children(bot)
    os.kill(bot.process.pid, signal.SIGINT)
    os.kill(child, signal.SIGINT)
    try:
        assert bot.process.wait(timeout=15) == 0
    except subprocess.TimeoutExpired:
        raise AssertionError(bot.log()) from None
    wait_until(lambda: not alive(child), timeout=5.0)
    assert "Traceback" not in bot.log()
