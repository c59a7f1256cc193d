"""The binding's current state follows the channel's standing update: the latest one not
deleted, as last edited, once the vendor accepted the edit or the deletion."""

from bot.delivery.engine import DeliveryEngine
from bot.domain.models import Refused, Target
from bot.domain.operations import Operation, Subject
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName, State
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider
from tests.delivery.helpers import CHECKLY, PHARE, make_engine, submission
from tests.store.clock import FakeClock

EDIT, DELETE = Operation.EDIT, Operation.DELETE


async def vendors(repo: Repo, clock: FakeClock) -> tuple[DeliveryEngine, FakeProvider]:
    """An engine over scripted Phare and Checkly; C1 bound to both; Phare's fake."""
    await repo.bind("C1", [PHARE, CHECKLY])
    phare = FakeProvider(ProviderName.PHARE, clock=clock)
    checkly = FakeProvider(ProviderName.CHECKLY, clock=clock)
    return make_engine(repo, clock, None, phare, checkly), phare


async def publish(
    engine: DeliveryEngine, repo: Repo, state: State, targets: tuple[Target, ...] = (PHARE,)
) -> list[DeliveryReport]:
    """Publish an update in C1 and deliver it; its deliveries (not the recovery of a resolve)."""
    stored = await engine.submit(submission(state.value, state, targets))
    await engine.run_due()
    return [r for r in await repo.deliveries_of(stored.id) if r.operation is Operation.PUBLISH]


async def change(
    engine: DeliveryEngine, published: DeliveryReport, operation: Operation, state: State
) -> StoredUpdate:
    """Edit (to `state`) or delete one published delivery, and deliver that."""
    subject = Subject(published.delivery_id, published.provider_update_id or "", None)
    stored = await engine.submit(
        submission("changed", state, (published.target,), operation=operation, subject=subject)
    )
    await engine.run_due()
    return stored


async def state_after(
    repo: Repo, engine: DeliveryEngine, published: DeliveryReport, operation: Operation, to: State
) -> State | None:
    """Change one published delivery (edit it to `to`, or delete it); C1's state after."""
    await change(engine, published, operation, to)
    return await current_state(repo)


async def current_state(repo: Repo) -> State | None:
    """C1's current state as `/incident-update status` reads it."""
    binding = await repo.get_binding("C1")
    assert binding is not None
    return binding.current_state


async def refused_then_accepted(
    repo: Repo,
    engine: DeliveryEngine,
    phare: FakeProvider,
    published: DeliveryReport,
    operation: Operation,
    state: State,
) -> None:
    """Phare refuses the change (the state stays), then accepts it asked again."""
    before = await current_state(repo)
    phare.script.append(Refused(403, "This action is unauthorized."))
    await change(engine, published, operation, state)
    assert await current_state(repo) is before
    await change(engine, published, operation, state)


async def test_an_edit_of_the_latest_update_moves_the_state_once_accepted(
    repo: Repo, clock: FakeClock
) -> None:
    engine, phare = await vendors(repo, clock)
    [first] = await publish(engine, repo, State.IDENTIFIED)
    [latest] = await publish(engine, repo, State.MONITORING)
    await refused_then_accepted(repo, engine, phare, latest, EDIT, State.RESOLVED)
    assert await current_state(repo) is State.RESOLVED
    status = await repo.channel_status("C1")
    assert status.last_update is not None
    assert (status.last_update.id, status.last_update.submission.update.state) == (
        latest.update.id,
        State.RESOLVED,
    )
    assert await state_after(repo, engine, first, EDIT, State.INVESTIGATING) is State.RESOLVED
    assert await state_after(repo, engine, latest, EDIT, State.MONITORING) is State.MONITORING


async def test_a_deletion_leaves_the_state_of_the_update_left_as_last_edited(
    repo: Repo, clock: FakeClock
) -> None:
    engine, phare = await vendors(repo, clock)
    [first] = await publish(engine, repo, State.INVESTIGATING)
    await change(engine, first, EDIT, State.IDENTIFIED)
    [latest] = await publish(engine, repo, State.MONITORING)
    await refused_then_accepted(repo, engine, phare, latest, DELETE, State.MONITORING)
    assert await current_state(repo) is State.IDENTIFIED
    status = await repo.channel_status("C1")
    assert status.last_update is not None
    assert (status.last_update.id, status.newest_id) == (first.update.id, latest.update.id)
    assert await state_after(repo, engine, first, DELETE, State.IDENTIFIED) is None
    assert (await repo.channel_status("C1")).last_update is None


async def test_an_update_deleted_at_one_vendor_stands_while_another_holds_it(
    repo: Repo, clock: FakeClock
) -> None:
    engine, _ = await vendors(repo, clock)
    await publish(engine, repo, State.INVESTIGATING)
    at_phare, at_checkly = await publish(engine, repo, State.MONITORING, (PHARE, CHECKLY))
    assert await state_after(repo, engine, at_phare, DELETE, State.MONITORING) is State.MONITORING
    assert (
        await state_after(repo, engine, at_checkly, DELETE, State.MONITORING) is State.INVESTIGATING
    )


async def test_an_opening_stands_once_the_updates_after_it_are_deleted(
    repo: Repo, clock: FakeClock
) -> None:
    opening = submission("x", State.INVESTIGATING, (PHARE,), operation=Operation.OPEN)
    opened = await repo.insert_submission(opening, {})
    engine, _ = await vendors(repo, clock)
    [latest] = await publish(engine, repo, State.MONITORING)
    assert await current_state(repo) is State.MONITORING
    assert await state_after(repo, engine, latest, DELETE, State.MONITORING) is State.INVESTIGATING
    status = await repo.channel_status("C1")
    assert status.last_update is not None
    assert status.last_update.id == opened.id
