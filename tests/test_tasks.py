"""Finishing tracked tasks: work started by a task while finishing is waited for or cancelled."""

import asyncio

from bot.tasks import TrackedTasks


def _starting_another(tasks: TrackedTasks, then: asyncio.Event, ended: list[str]) -> None:
    """Track a task that, as it ends, starts a second one which waits for `then`."""

    async def second() -> None:
        try:
            await then.wait()
            ended.append("second")
        except asyncio.CancelledError:
            ended.append("second cancelled")
            raise

    async def first() -> None:
        await asyncio.sleep(0)
        tasks.spawn(second(), name="second")
        ended.append("first")

    tasks.spawn(first(), name="first")


async def test_a_task_started_while_finishing_is_waited_for() -> None:
    tasks, then, ended = TrackedTasks(), asyncio.Event(), list[str]()
    _starting_another(tasks, then, ended)
    asyncio.get_running_loop().call_later(0.05, then.set)

    await tasks.finish(grace_seconds=5.0)

    assert ended == ["first", "second"]
    assert tasks.pending == 0


async def test_a_task_started_while_finishing_is_cancelled_after_the_grace() -> None:
    tasks, never, ended = TrackedTasks(), asyncio.Event(), list[str]()
    _starting_another(tasks, never, ended)

    await tasks.finish(grace_seconds=0.05)

    assert ended == ["first", "second cancelled"]
    assert tasks.pending == 0
