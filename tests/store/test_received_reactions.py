"""Received reactions: kept before Slack is answered, left to their receiver for a while, then
taken over by one worker; forgotten once handled."""

from sqlalchemy import select

from bot.domain.reactions import Reaction
from bot.store.repo import Repo
from bot.store.schema import received_reactions
from tests.store.clock import FakeClock

EYES = Reaction("Ev0000000001", "U0ADA00001", "eyes", "C0INC00001", "1700000050.000200", "U0BOT")
MAG = Reaction("Ev0000000002", "U0ADA00001", "mag", "C0INC00001", "1700000060.000300", None, "U0X")


async def kept(repo: Repo) -> list[str]:
    """The event ids of the reactions kept."""
    async with repo.engine.connect() as conn:
        found = await conn.execute(select(received_reactions.c.event_id).order_by("event_id"))
        return list(found.scalars())


async def test_a_reaction_received_twice_is_kept_once(repo: Repo) -> None:
    await repo.reactions.receive(EYES, hold_seconds=15)
    await repo.reactions.receive(EYES, hold_seconds=15)
    assert await kept(repo) == [EYES.event_id]


async def test_a_reaction_is_taken_over_only_once_its_receiver_had_its_time(
    repo: Repo, clock: FakeClock
) -> None:
    await repo.reactions.receive(EYES, hold_seconds=15)
    await repo.reactions.receive(MAG, hold_seconds=30)

    assert await repo.reactions.claim_left_over(10, hold_seconds=60) == []
    clock.advance(16)
    assert await repo.reactions.claim_left_over(10, hold_seconds=60) == [EYES]
    clock.advance(15)
    # EYES is held by the worker that took it; MAG's receiver had its 30 s.
    assert await repo.reactions.claim_left_over(10, hold_seconds=60) == [MAG]
    clock.advance(61)
    assert await repo.reactions.claim_left_over(1, hold_seconds=60) == [EYES]


async def test_a_handled_reaction_is_forgotten(repo: Repo, clock: FakeClock) -> None:
    await repo.reactions.receive(EYES, hold_seconds=15)
    await repo.reactions.receive(MAG, hold_seconds=15)

    await repo.reactions.handled(EYES.event_id)
    await repo.reactions.handled(EYES.event_id)

    assert await kept(repo) == [MAG.event_id]
    clock.advance(16)
    assert await repo.reactions.claim_left_over(10, hold_seconds=60) == [MAG]
