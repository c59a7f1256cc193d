"""Published updates as edits and deletions leave them, and the channel status around them."""

from bot.delivery.engine import DeliveryEngine
from bot.domain.models import DeliveryStatus, Refused, Update
from bot.domain.operations import Operation, Subject
from bot.domain.records import PublishedUpdate, StoredUpdate
from bot.domain.states import ProviderName, State
from bot.store.published import PublishedQueries
from bot.store.repo import Repo
from tests.delivery.fakes import FakeProvider
from tests.delivery.helpers import PHARE, make_engine, submission
from tests.store.clock import FakeClock


async def published_once(repo: Repo, clock: FakeClock) -> tuple[DeliveryEngine, FakeProvider, int]:
    """An engine over a scripted Phare, one update accepted there; its delivery id."""
    phare = FakeProvider(ProviderName.PHARE, clock=clock)
    engine = make_engine(repo, clock, None, phare)
    stored = await engine.submit(submission("Investgating", targets=(PHARE,)))
    await engine.run_due()
    [delivery] = await repo.deliveries_of(stored.id)
    return engine, phare, delivery.delivery_id


async def change(
    engine: DeliveryEngine, found: PublishedUpdate, operation: Operation, update: Update
) -> StoredUpdate:
    """Store an edit or a deletion of the found update and deliver it."""
    report = found.delivery
    subject = Subject(report.delivery_id, report.provider_update_id or "", "111.5")
    stored = await engine.submit(
        submission(update.content, update.state, (PHARE,), operation=operation, subject=subject)
    )
    await engine.run_due()
    return stored


async def test_a_published_update_reads_as_last_edited(repo: Repo, clock: FakeClock) -> None:
    engine, _, delivery_id = await published_once(repo, clock)
    published = PublishedQueries(repo.engine, repo.clock)
    found = await published.published(delivery_id)
    assert found is not None
    assert (found.words, found.words_changed, found.deletion) == (
        Update(State.INVESTIGATING, "Investgating"),
        False,
        None,
    )
    for words in ("Investigating", "Identified the cause"):
        clock.advance(1)
        edit = await change(engine, found, Operation.EDIT, Update(State.IDENTIFIED, words))
    again = await published.published(delivery_id)
    assert again is not None
    assert (again.words.state, again.words.content) == (State.IDENTIFIED, "Identified the cause")
    assert again.words_changed
    assert again.delivery.delivery_id == delivery_id
    [edit_delivery] = await repo.deliveries_of(edit.id)
    assert await published.published(edit_delivery.delivery_id) is None
    assert await published.published(delivery_id + 1000) is None


async def test_a_deletion_is_seen_under_way_done_or_refused(repo: Repo, clock: FakeClock) -> None:
    engine, phare, delivery_id = await published_once(repo, clock)
    published = PublishedQueries(repo.engine, repo.clock)
    found = await published.published(delivery_id)
    assert found is not None
    phare.script.append(Refused(403, "This action is unauthorized."))
    refused = await change(engine, found, Operation.DELETE, found.words)
    after_refusal = await published.published(delivery_id)
    assert after_refusal is not None
    assert after_refusal.deletion is DeliveryStatus.REFUSED
    assert after_refusal.deletion_update_id == refused.id
    assert not after_refusal.deleted_or_deleting

    report = found.delivery
    subject = Subject(report.delivery_id, report.provider_update_id or "", None)
    deletion = submission("x", targets=(PHARE,), operation=Operation.DELETE, subject=subject)
    pending = await engine.submit(deletion)
    under_way = await published.published(delivery_id)
    assert under_way is not None
    assert (under_way.deletion, under_way.deletion_update_id) == (
        DeliveryStatus.PENDING,
        pending.id,
    )
    assert under_way.deleted_or_deleting
    await engine.run_due()
    done = await published.published(delivery_id)
    assert done is not None
    assert done.deletion is DeliveryStatus.ACCEPTED


async def test_the_channel_status_shows_the_last_update_as_edited_not_the_edit(
    repo: Repo, clock: FakeClock
) -> None:
    engine, _, delivery_id = await published_once(repo, clock)
    found = await PublishedQueries(repo.engine, repo.clock).published(delivery_id)
    assert found is not None
    original_id = found.delivery.update.id
    await change(engine, found, Operation.EDIT, Update(State.MONITORING, "Fixed, watching"))

    status = await repo.channel_status("C1")
    assert status.last_update is not None
    assert status.last_update.id == original_id
    assert status.last_update.submission.update.content == "Fixed, watching"
    assert status.last_update.submission.operation is Operation.PUBLISH
    assert [(r.update.id, r.operation) for r in status.latest_deliveries] == [
        (original_id, Operation.PUBLISH)
    ]
    await change(engine, found, Operation.DELETE, Update(State.MONITORING, "Fixed, watching"))
    gone = await repo.channel_status("C1")
    assert (gone.last_update, gone.last_update_at, gone.newest_id) == (None, None, original_id)
