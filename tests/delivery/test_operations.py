"""Opening, recovering, editing and deleting ride the delivery road: stored, chained, checked."""

import dataclasses

from bot.delivery.engine import DeliveryEngine
from bot.domain.models import Accepted, DeliveryStatus, Refused, Submission, Target, Unclear
from bot.domain.operations import Impact, Opening, Operation, Subject
from bot.domain.states import ProviderName, State
from bot.store.repo import Repo
from tests.delivery.fakes import APPLY_THEN_UNCLEAR, FakeProvider, RecordingNotifier
from tests.delivery.helpers import PHARE, make_engine, submission
from tests.store.clock import FakeClock

PAGE = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
OPEN_AT = (Target(ProviderName.PHARE, ""), Target(ProviderName.CHECKLY, PAGE))
OPENING = Opening("Checkout is failing", Impact.MAJOR_OUTAGE, "Payments time out")


def opening_submission(targets: tuple[Target, ...] = OPEN_AT) -> Submission:
    """`/incident-update open` in channel C1."""
    return submission(
        OPENING.first_message, targets=targets, operation=Operation.OPEN, opening=OPENING
    )


async def published_then_lost(
    engine: DeliveryEngine,
    repo: Repo,
    phare: FakeProvider,
    text: str,
    receipt_ts: str | None = None,
) -> Subject:
    """Publish to Phare; the next answer from Phare will be lost after it applied the request."""
    first = await engine.submit(submission(text, targets=(PHARE,)))
    await engine.run_due()
    [published] = await repo.deliveries_of(first.id)
    assert published.provider_update_id is not None
    phare.script.append(APPLY_THEN_UNCLEAR)
    return Subject(published.delivery_id, published.provider_update_id, receipt_ts)


async def test_an_update_typed_while_opening_waits_and_then_reaches_the_new_incidents(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    engine = make_engine(repo, clock, notifier, phare, checkly)
    await engine.submit(opening_submission())
    waiting = await repo.get_binding("C1")
    assert waiting is not None
    typed = await engine.submit(submission("Rolling back", State.IDENTIFIED, waiting.targets))

    await engine.run_due()  # opens both; the update waited for them
    assert [o.title for o, _ in phare.opens] == [OPENING.title]
    assert [where for _, where in checkly.opens] == [PAGE]
    assert phare.sends == []
    assert checkly.sends == []
    await engine.run_due()

    bound = await repo.get_binding("C1")
    assert bound is not None
    opened = {phare.incidents[""][0].id, checkly.incidents[PAGE][0].id}
    assert {t.incident_id for t in bound.targets} == opened
    assert {call.incident_id for call in phare.sends + checkly.sends} == opened
    reports = await repo.deliveries_of(typed.id)
    assert {r.status for r in reports} == {DeliveryStatus.ACCEPTED}


async def test_a_refused_opening_unbinds_that_vendor_and_skips_what_waited_for_it(
    repo: Repo,
    clock: FakeClock,
    notifier: RecordingNotifier,
    phare: FakeProvider,
    checkly: FakeProvider,
) -> None:
    phare.script.append(Refused(422, "The title field is required."))
    engine = make_engine(repo, clock, notifier, phare, checkly)
    await engine.submit(opening_submission())
    waiting = await repo.get_binding("C1")
    assert waiting is not None
    typed = await engine.submit(submission("Rolling back", State.IDENTIFIED, waiting.targets))
    await engine.run_due()
    await engine.run_due()

    bound = await repo.get_binding("C1")
    assert bound is not None
    assert [t.provider for t in bound.targets] == [ProviderName.CHECKLY]
    reports = {r.target.provider: r for r in await repo.deliveries_of(typed.id)}
    assert reports[ProviderName.PHARE].status is DeliveryStatus.SKIPPED
    assert reports[ProviderName.PHARE].skipped_reason == (
        "not sent: the incident could not be opened at Phare"
    )
    assert reports[ProviderName.CHECKLY].status is DeliveryStatus.ACCEPTED
    assert phare.sends == []
    told = [r for r in notifier.reports if r.update.id == typed.id]
    assert any(r.status is DeliveryStatus.SKIPPED for r in told)


async def test_an_opening_whose_answer_was_lost_is_found_not_opened_twice(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append(APPLY_THEN_UNCLEAR)
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(opening_submission(OPEN_AT[:1]))
    await engine.run_due()
    clock.advance(120)
    await engine.run_due()

    assert len(phare.opens) == 1
    assert len(phare.incidents[""]) == 1
    [report] = await repo.deliveries_of(stored.id)
    assert report.status is DeliveryStatus.ACCEPTED
    assert report.provider_update_id == phare.incidents[""][0].id
    bound = await repo.get_binding("C1")
    assert bound is not None
    assert bound.targets == (Target(ProviderName.PHARE, phare.incidents[""][0].id),)


async def test_a_resolved_update_to_phare_is_followed_by_recovering_the_incident(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(submission("All clear", State.RESOLVED, (PHARE,)))
    await engine.run_due()
    await engine.run_due()
    assert [c.update.state for c in phare.sends] == [State.RESOLVED]
    assert phare.recovered == [PHARE.incident_id]
    reports = await repo.deliveries_of(stored.id)
    assert [(r.operation, r.status) for r in reports] == [
        (Operation.PUBLISH, DeliveryStatus.ACCEPTED),
        (Operation.RECOVER, DeliveryStatus.ACCEPTED),
    ]


async def test_an_edit_that_makes_an_update_resolved_recovers_the_incident_once(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    first = await engine.submit(submission("Watching the error rate", State.MONITORING, (PHARE,)))
    await engine.run_due()
    [published] = await repo.deliveries_of(first.id)
    subject = Subject(published.delivery_id, str(published.provider_update_id))

    def edit(text: str, about: Subject) -> Submission:
        """An edit of that update at Phare, to resolved."""
        return submission(text, State.RESOLVED, (PHARE,), operation=Operation.EDIT, subject=about)

    resolving = await engine.submit(edit("All clear", subject))
    await engine.run_due()
    await engine.run_due()
    assert phare.recovered == [PHARE.incident_id]
    reports = await repo.deliveries_of(resolving.id)
    assert [(r.operation, r.status) for r in reports] == [
        (Operation.EDIT, DeliveryStatus.ACCEPTED),
        (Operation.RECOVER, DeliveryStatus.ACCEPTED),
    ]

    resolved = await engine.submit(submission("All good", State.RESOLVED, (PHARE,)))
    await engine.run_due()
    await engine.run_due()
    [again, _] = await repo.deliveries_of(resolved.id)
    typo = await engine.submit(
        edit("All clear now", Subject(again.delivery_id, str(again.provider_update_id)))
    )
    await engine.run_due()
    await engine.run_due()
    assert [r.operation for r in await repo.deliveries_of(typo.id)] == [Operation.EDIT]
    assert phare.recovered == [PHARE.incident_id] * 2  # the resolved update's, not the typo's


async def test_no_recovery_when_the_resolved_update_was_refused(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    phare.script.append(Refused(403, "This action is unauthorized."))
    engine = make_engine(repo, clock, notifier, phare)
    stored = await engine.submit(submission("All clear", State.RESOLVED, (PHARE,)))
    await engine.run_due()
    await engine.run_due()
    assert phare.recovered == []
    recovery = [r for r in await repo.deliveries_of(stored.id) if r.operation is Operation.RECOVER]
    assert [r.status for r in recovery] == [DeliveryStatus.SKIPPED]


async def test_an_edit_changes_the_update_and_one_whose_answer_was_lost_is_not_resent(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    subject = await published_then_lost(engine, repo, phare, "Investgating", "111.2")
    edit = submission("Investigating", targets=(PHARE,), operation=Operation.EDIT, subject=subject)
    stored = await engine.submit(edit)
    await engine.run_due()
    clock.advance(120)
    await engine.run_due()

    assert len(phare.edits) == 1
    assert [r.content for r in phare.stored[PHARE.incident_id]] == ["Investigating"]
    [report] = await repo.deliveries_of(stored.id)
    assert (report.operation, report.status) == (Operation.EDIT, DeliveryStatus.ACCEPTED)
    assert stored.submission.subject == subject


async def test_a_deletion_whose_answer_was_lost_is_found_done(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    subject = await published_then_lost(engine, repo, phare, "Wrong channel")
    deletion = dataclasses.replace(
        submission("Wrong channel", targets=(PHARE,)), operation=Operation.DELETE, subject=subject
    )
    stored = await engine.submit(deletion)
    await engine.run_due()
    clock.advance(120)
    await engine.run_due()

    assert len(phare.deletions) == 1
    assert phare.stored[PHARE.incident_id] == []
    [report] = await repo.deliveries_of(stored.id)
    assert report.status is DeliveryStatus.ACCEPTED
    assert report.outcome == Accepted(subject.remote_id)


async def test_an_unclear_recovery_is_simply_asked_again(
    repo: Repo, clock: FakeClock, notifier: RecordingNotifier, phare: FakeProvider
) -> None:
    engine = make_engine(repo, clock, notifier, phare)
    await engine.submit(submission("All clear", State.RESOLVED, (PHARE,)))
    await engine.run_due()  # the resolved update
    phare.script.append(Unclear("no answer within 60 s"))
    await engine.run_due()  # the recovery: unclear
    clock.advance(120)
    lists_before = phare.lists
    await engine.run_due()
    assert phare.recovered == [PHARE.incident_id, PHARE.incident_id]
    assert phare.lists == lists_before  # nothing to check: recovering twice is harmless
