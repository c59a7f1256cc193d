"""Storing an opening refuses a channel bound to an unresolved incident, in the transaction that
would store it: openings submitted at the same instant, from separate engines, store one."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.domain.models import Source, Submission, Target, Update
from bot.domain.open_at import opening_submission
from bot.domain.operations import Opening, Operation
from bot.domain.records import ChannelStillOpen, StoredUpdate
from bot.domain.states import ProviderName, State
from bot.store.repo import Repo, open_repo
from bot.store.schema import updates
from tests.store.clock import FakeClock

PLACES = (
    Target(ProviderName.PHARE, ""),
    Target(ProviderName.CHECKLY, "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"),
)
LINKED = Target(ProviderName.PHARE, "42")
RACERS = 4


def _opening(channel: str, key: str, title: str = "Checkout is failing") -> Submission:
    """An opening typed in a channel, under its own dedup key."""
    return opening_submission(
        Opening(title=title), PLACES, Source.INLINE, "U1", channel_id=channel, dedup_key=key
    )


def _update(channel: str, state: State) -> Submission:
    """An update to the channel's linked incident."""
    return Submission(
        update=Update(state, "words"),
        targets=(LINKED,),
        source=Source.INLINE,
        author="U1",
        channel_id=channel,
    )


async def _openings_in(repo: Repo, channel: str) -> int:
    """How many openings the channel has stored."""
    query = select(func.count()).where(
        updates.c.channel_id == channel, updates.c.operation == Operation.OPEN.value
    )
    async with repo.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


@pytest.fixture
async def repos(database_url: str, clock: FakeClock) -> AsyncIterator[list[Repo]]:
    """Separate engines on one database, as separate processes have."""
    opened = [await open_repo(database_url, clock=clock) for _ in range(RACERS)]
    try:
        yield opened
    finally:
        for repo in opened:
            await repo.close()


async def test_openings_at_the_same_instant_store_one(repos: list[Repo]) -> None:
    for channel in ("C1", "C2", "C3"):
        raced = await asyncio.gather(
            *(
                r.insert_submission(_opening(channel, f"{channel}:{i}"), {})
                for i, r in enumerate(repos)
            ),
            return_exceptions=True,
        )
        stored = [r for r in raced if isinstance(r, StoredUpdate)]
        refused = [r for r in raced if isinstance(r, ChannelStillOpen)]
        assert (len(stored), len(refused)) == (1, RACERS - 1), raced
        assert await _openings_in(repos[0], channel) == 1
        binding = await repos[0].get_binding(channel)
        assert binding is not None
        for refusal in refused:
            assert refusal.binding == binding
        assert {t.provider for t in binding.targets} == {p.provider for p in PLACES}
        assert all(t.awaited_opening is not None for t in binding.targets)


async def test_a_channel_linked_to_an_unresolved_incident_is_refused(repo: Repo) -> None:
    await repo.bind("C1", [LINKED])
    await repo.insert_submission(_update("C1", State.MONITORING), {})
    with pytest.raises(ChannelStillOpen) as refused:
        await repo.insert_submission(_opening("C1", "k1"), {})
    assert refused.value.binding.targets == (LINKED,)
    assert refused.value.binding.current_state is State.MONITORING
    assert await _openings_in(repo, "C1") == 0
    assert await repo.get_binding("C1") == refused.value.binding


async def test_a_resolved_or_unbound_channel_opens(repo: Repo) -> None:
    await repo.bind("C1", [LINKED])
    await repo.insert_submission(_update("C1", State.RESOLVED), {})
    assert not (await repo.insert_submission(_opening("C1", "k1"), {})).duplicate
    assert not (await repo.insert_submission(_opening("C2", "k2"), {})).duplicate
    assert (await _openings_in(repo, "C1"), await _openings_in(repo, "C2")) == (1, 1)


async def test_a_refused_opening_leaves_no_binding_behind(repo: Repo) -> None:
    await repo.bind("C1", [LINKED])
    await repo.unbind("C1", None)
    await repo.insert_submission(_opening("C2", "k1"), {})
    with pytest.raises(ChannelStillOpen):
        await repo.insert_submission(_opening("C2", "k2"), {})
    assert await repo.get_binding("C1") is None
    assert await _openings_in(repo, "C2") == 1


async def test_a_replayed_opening_is_the_stored_one_not_a_refusal(repo: Repo) -> None:
    first = await repo.insert_submission(_opening("C1", "k1"), {})
    again = await repo.insert_submission(_opening("C1", "k1"), {})
    assert (again.id, again.duplicate) == (first.id, True)
    assert await _openings_in(repo, "C1") == 1


async def test_the_binding_keeps_the_opened_incidents_title_until_it_is_another_incident(
    repo: Repo,
) -> None:
    at_phare = opening_submission(
        Opening(title="Payments time out"), PLACES[:1], Source.INLINE, "U1", channel_id="C1"
    )
    await repo.insert_submission(at_phare, {})
    opened = await repo.get_binding("C1")
    assert opened is not None
    assert opened.title == "Payments time out"
    await repo.insert_submission(_update("C1", State.MONITORING), {})
    checkly = Target(ProviderName.CHECKLY, "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d/incident")
    assert (await repo.bind("C1", [checkly])).title == "Payments time out"
    assert (await repo.bind("C1", [*opened.targets, checkly])).title == "Payments time out"
    assert (await repo.bind("C1", [LINKED])).title is None
    await repo.insert_submission(_update("C1", State.RESOLVED), {})
    await repo.insert_submission(_opening("C1", "k2", "Search is slow"), {})
    again = await repo.get_binding("C1")
    assert again is not None
    assert again.title == "Search is slow"
