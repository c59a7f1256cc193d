"""Channel bindings, status cards, event dedup and the status query."""

import asyncio

from bot.domain.models import Source, Submission, Target, Update
from bot.domain.states import ProviderName, State
from bot.store.repo import Repo
from tests.store.clock import FakeClock

PHARE = Target(ProviderName.PHARE, "42")
PHARE_OTHER = Target(ProviderName.PHARE, "43")
CHECKLY = Target(ProviderName.CHECKLY, "3f1c9a52-1d2b-4c3d-9e8f-0a1b2c3d4e5f")


async def test_unbound_channel_has_no_binding(repo: Repo) -> None:
    assert await repo.get_binding("C1") is None


async def test_bind_replaces_the_target_of_the_same_provider(repo: Repo) -> None:
    await repo.bind("C1", [PHARE, CHECKLY])
    binding = await repo.bind("C1", [PHARE_OTHER])
    assert binding.targets == (CHECKLY, PHARE_OTHER)
    assert await repo.get_binding("C1") == binding
    assert await repo.get_binding("C2") is None


async def test_unbind_one_provider_then_all(repo: Repo) -> None:
    await repo.bind("C1", [PHARE, CHECKLY])
    left = await repo.unbind("C1", ProviderName.PHARE)
    assert left is not None
    assert left.targets == (CHECKLY,)
    assert await repo.unbind("C1", ProviderName.CHECKLY) is None
    assert await repo.get_binding("C1") is None
    await repo.bind("C1", [PHARE])
    assert await repo.unbind("C1", None) is None


async def test_first_card_wins(repo: Repo) -> None:
    await repo.bind("C1", [PHARE])
    assert await repo.claim_card("C1", "111.1") == "111.1"
    assert await repo.claim_card("C1", "222.2") == "111.1"
    binding = await repo.get_binding("C1")
    assert binding is not None
    assert binding.card_ts == "111.1"


async def test_card_claims_racing_agree_on_one_ts(repo: Repo) -> None:
    results = await asyncio.gather(*(repo.claim_card("C9", f"{i}.0") for i in range(5)))
    assert len(set(results)) == 1


async def test_event_key_is_new_once_until_it_expires(repo: Repo, clock: FakeClock) -> None:
    assert await repo.first_time("Ev1:eyes", 60)
    assert not await repo.first_time("Ev1:eyes", 60)
    assert await repo.first_time("Ev2:eyes", 60)
    clock.advance(61)
    assert await repo.first_time("Ev1:eyes", 60)
    assert not await repo.first_time("Ev1:eyes", 60)


async def test_racing_deliveries_of_one_event_see_it_new_once(repo: Repo) -> None:
    results = await asyncio.gather(*(repo.first_time("Ev3", 60) for _ in range(8)))
    assert results.count(True) == 1


async def test_expired_event_keys_are_purged(repo: Repo, clock: FakeClock) -> None:
    await repo.first_time("old", 10)
    await repo.first_time("fresh", 1000)
    clock.advance(11)
    assert await repo.purge_seen_events() == 1
    assert not await repo.first_time("fresh", 1000)


async def test_channel_status_shows_binding_last_update_and_latest_delivery_each(
    repo: Repo, clock: FakeClock
) -> None:
    await repo.bind("C1", [PHARE, CHECKLY])
    empty = await repo.channel_status("C1")
    assert empty.last_update is None
    assert empty.latest_deliveries == ()
    first = _submission("Looking into it", State.INVESTIGATING, (PHARE, CHECKLY))
    await repo.insert_submission(first, {})
    clock.advance(5)
    second = _submission("Fix deployed", State.MONITORING, (PHARE,))
    stored = await repo.insert_submission(second, {})
    await repo.insert_submission(_submission("elsewhere", State.RESOLVED, (PHARE,), "C2"), {})

    status = await repo.channel_status("C1")

    assert status.binding is not None
    assert status.binding.current_state is State.MONITORING
    assert status.last_update == stored
    assert status.last_update_at == clock.now
    latest = {r.target: r.update.submission.update.content for r in status.latest_deliveries}
    assert latest == {PHARE: "Fix deployed", CHECKLY: "Looking into it"}


def _submission(
    content: str, state: State, targets: tuple[Target, ...], channel: str = "C1"
) -> Submission:
    """An inline submission from a channel."""
    return Submission(
        update=Update(state, content),
        targets=targets,
        source=Source.INLINE,
        author="U1",
        channel_id=channel,
        thread_ts="111.1",
    )
