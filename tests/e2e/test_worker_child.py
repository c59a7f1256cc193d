"""`serve` runs its worker as a child program: gone with its parent, restarted when it dies."""

import os
import signal
from pathlib import Path

from bot.domain.models import DeliveryStatus
from bot.store.repo import Repo
from tests.e2e.harness import LINK_BOTH, Stack, wait_until
from tests.e2e.rows import PHARE, delivery, lease_owner_pid, send_held_open, settles

TEXT = "Database failover in progress"


def children_of(pid: int) -> list[int]:
    """The pids of a process's living children, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def is_gone(pid: int) -> bool:
    """Whether no process (or only its zombie) has this pid."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


async def test_the_worker_child_leaves_and_gives_back_its_claims_when_serve_is_killed(
    stack: Stack, store: Repo
) -> None:
    bot, update_id = await send_held_open(stack, store, f"monitoring {TEXT}")
    child = await lease_owner_pid(store, update_id)
    assert child is not None
    assert child != bot.process.pid

    os.kill(bot.process.pid, signal.SIGKILL)
    bot.process.wait(timeout=10)
    try:
        wait_until(lambda: is_gone(child), timeout=10.0)
    except AssertionError as error:
        raise AssertionError(f"the worker child outlived serve; its log:\n{bot.log()}") from error
    bot.stop()

    report = await delivery(store, update_id, PHARE)
    assert report.status is DeliveryStatus.PENDING
    assert await lease_owner_pid(store, update_id) is None
    assert "serve is gone; the worker stops now" in bot.log_path.read_text()


async def test_a_worker_child_that_dies_is_restarted_and_delivers(
    stack: Stack, store: Repo
) -> None:
    bot = stack.start_bot()
    wait_until(lambda: len(children_of(bot.process.pid)) == 1)
    [first] = children_of(bot.process.pid)
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: children_of(bot.process.pid) not in ([], [first]))

    stack.command(bot, LINK_BOTH)
    update_id = stack.publish(bot, f"monitoring {TEXT}")
    try:
        await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
    except AssertionError as error:
        raise AssertionError(f"not delivered; serve's log:\n{bot.log()}") from error
    assert "worker child exited (-9); restarting it in 1 s" in bot.log()
    assert bot.process.poll() is None
