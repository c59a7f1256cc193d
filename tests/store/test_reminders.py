"""Reminder rows: armed while bound and unresolved, claimed once, gone with the binding."""

import asyncio
from datetime import timedelta

from bot.domain.models import Source, Submission, Target, Update
from bot.domain.operations import Operation, Subject
from bot.domain.states import ProviderName, State
from bot.store.reminders import ReminderQueries
from bot.store.repo import Repo, open_repo
from tests.store.clock import FakeClock

PHARE = Target(ProviderName.PHARE, "42")


async def publish(repo: Repo, channel: str, state: State = State.INVESTIGATING) -> None:
    """Store an update in the channel (sets its current state)."""
    submission = Submission(Update(state, "text"), (PHARE,), Source.INLINE, "U1", channel)
    await repo.insert_submission(submission, {})


def reminders_of(repo: Repo) -> ReminderQueries:
    """Reminder queries over the repo's engine and clock."""
    return ReminderQueries(repo.engine, repo.clock)


async def test_only_bound_unresolved_channels_are_armed(repo: Repo, clock: FakeClock) -> None:
    queries = reminders_of(repo)
    due = clock() + timedelta(minutes=30)
    assert not await queries.arm("C1", due)
    await repo.bind("C1", [PHARE])
    await publish(repo, "C1")
    assert await queries.arm("C1", due)
    check = await queries.check("C1")
    assert check is not None
    assert (check.bound, check.current_state, check.last_update_at) == (
        True,
        State.INVESTIGATING,
        clock(),
    )
    await publish(repo, "C1", State.RESOLVED)
    assert not await queries.arm("C1", due)
    assert await queries.check("C1") is None


async def test_a_due_reminder_is_claimed_once(repo: Repo, clock: FakeClock) -> None:
    queries = reminders_of(repo)
    await repo.bind("C1", [PHARE])
    await publish(repo, "C1")
    await queries.arm("C1", clock() + timedelta(seconds=60))
    assert await queries.claim_due(10, 60) == []
    clock.advance(60)
    claims = await asyncio.gather(*(queries.claim_due(10, 60) for _ in range(5)))
    assert sorted(claims) == [[], [], [], [], ["C1"]]
    clock.advance(59)
    assert await queries.claim_due(10, 60) == []


async def test_replicas_on_one_database_claim_a_reminder_once(
    database_url: str, clock: FakeClock
) -> None:
    repos = [await open_repo(database_url, clock=clock) for _ in range(3)]
    try:
        await repos[0].bind("C1", [PHARE])
        await publish(repos[0], "C1")
        await reminders_of(repos[0]).arm("C1", clock())
        claims = await asyncio.gather(*(reminders_of(r).claim_due(10, 60) for r in repos))
        assert sorted(claims) == [[], [], ["C1"]]
    finally:
        for repo in repos:
            await repo.close()


async def test_a_snooze_holds_back_rearming(repo: Repo, clock: FakeClock) -> None:
    queries = reminders_of(repo)
    await repo.bind("C1", [PHARE])
    await publish(repo, "C1")
    await queries.arm("C1", clock() + timedelta(minutes=1))
    until = clock() + timedelta(minutes=30)
    assert await queries.snooze("C1", until)
    await queries.arm("C1", clock() + timedelta(minutes=1))
    clock.advance(29 * 60)
    assert await queries.claim_due(10, 60) == []
    clock.advance(61)
    assert await queries.claim_due(10, 60) == ["C1"]


async def test_unlinking_removes_the_reminder(repo: Repo, clock: FakeClock) -> None:
    queries = reminders_of(repo)
    await repo.bind("C1", [PHARE])
    await publish(repo, "C1")
    await queries.arm("C1", clock())
    await repo.unbind("C1", None)
    assert await queries.check("C1") is None
    assert not await queries.snooze("C1", clock())


async def test_missing_reminders_are_armed_for_open_incidents_with_a_card(
    repo: Repo, clock: FakeClock
) -> None:
    queries = reminders_of(repo)
    for channel, state in (("C1", State.INVESTIGATING), ("C2", State.RESOLVED), ("C3", None)):
        await repo.bind(channel, [PHARE])
        if state is not None:
            await publish(repo, channel, state)
            await repo.claim_card(channel, f"{channel}.1")
    await repo.claim_card("C4", "C4.1")  # a card, but no incident bound
    assert await queries.arm_missing() == 1
    assert await queries.claim_due(10, 60) == ["C1"]
    assert await queries.arm_missing() == 0


async def test_an_armed_reminder_keeps_its_time_when_asked_to(repo: Repo, clock: FakeClock) -> None:
    queries = reminders_of(repo)
    await repo.bind("C1", [PHARE])
    await publish(repo, "C1")
    assert await queries.arm("C1", clock() + timedelta(minutes=1), keep_due=True)
    assert await queries.arm("C1", clock() + timedelta(minutes=5), keep_due=True)
    assert await queries.claim_due(10, 60) == []
    clock.advance(60)
    assert await queries.claim_due(10, 60) == ["C1"]
    await publish(repo, "C1", State.RESOLVED)
    assert not await queries.arm("C1", clock(), keep_due=True)
    assert await queries.check("C1") is None


async def test_edits_and_deletions_are_not_updates_for_the_quiet_time(
    repo: Repo, clock: FakeClock
) -> None:
    queries = reminders_of(repo)
    await repo.bind("C1", [PHARE])
    await publish(repo, "C1")
    published_at = clock()
    await queries.arm("C1", clock())
    for operation in (Operation.EDIT, Operation.DELETE):
        clock.advance(60)
        subject = Subject(1, "5001")
        change = Submission(
            Update(State.RESOLVED, "text"),
            (PHARE,),
            Source.MODAL,
            "U1",
            "C1",
            operation=operation,
            subject=subject,
        )
        await repo.insert_submission(change, {})
    check = await queries.check("C1")
    assert check is not None
    assert (check.last_update_at, check.current_state) == (published_at, State.INVESTIGATING)
