"""Storing submissions: one transaction, dedup keys, skipped targets, reading back."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.domain.models import DeliveryStatus, Source, Submission, Target, Update
from bot.domain.states import ProviderName, State
from bot.store.repo import Repo
from bot.store.schema import deliveries, updates

PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, "3f1c9a52-1d2b-4c3d-9e8f-0a1b2c3d4e5f")


def _submission(**changes: object) -> Submission:
    """A reaction submission to both providers."""
    base: dict[str, object] = {
        "update": Update(
            State.MONITORING, "A fix is out & we watch", datetime(2025, 3, 1, tzinfo=UTC)
        ),
        "targets": (PHARE, CHECKLY),
        "source": Source.REACTION,
        "author": "U123",
        "channel_id": "C1",
        "thread_ts": "111.1",
        "dedup_key": "reaction:C1:111.1:hourglass",
    }
    return Submission(**(base | changes))  # type: ignore[arg-type]


async def _count(repo: Repo, table: object) -> int:
    """Rows in a table."""
    async with repo.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_stored_update_reads_back_as_submitted(repo: Repo) -> None:
    submission = _submission()
    stored = await repo.insert_submission(submission, {})
    assert stored.submission == submission
    assert not stored.duplicate
    reports = await repo.deliveries_of(stored.id)
    assert {r.update for r in reports} == {stored}
    assert [(r.target, r.status, r.attempts) for r in reports] == [
        (PHARE, DeliveryStatus.PENDING, 0),
        (CHECKLY, DeliveryStatus.PENDING, 0),
    ]


async def test_dedup_key_returns_the_first_update_and_adds_nothing(repo: Repo) -> None:
    first = await repo.insert_submission(_submission(), {})
    again = await repo.insert_submission(_submission(update=Update(State.RESOLVED, "other")), {})
    assert again.duplicate
    assert again.id == first.id
    assert again.submission.update == first.submission.update
    assert await _count(repo, updates) == 1
    assert await _count(repo, deliveries) == 2


async def test_updates_without_dedup_key_are_all_stored(repo: Repo) -> None:
    a = await repo.insert_submission(_submission(dedup_key=None), {})
    b = await repo.insert_submission(_submission(dedup_key=None), {})
    assert a.id != b.id
    assert await _count(repo, deliveries) == 4


async def test_skipped_targets_get_a_final_row_with_the_reason(repo: Repo) -> None:
    submission = _submission(
        update=Update(State.MAINTENANCE, "Planned work"), targets=(CHECKLY,), skipped=(PHARE,)
    )
    stored = await repo.insert_submission(submission, {PHARE: "Phare has no 'maintenance' state"})
    assert stored.submission.skipped == (PHARE,)
    assert stored.submission.targets == (CHECKLY,)
    reports = {r.target: r for r in await repo.deliveries_of(stored.id)}
    assert reports[PHARE].status is DeliveryStatus.SKIPPED
    assert reports[PHARE].skipped_reason == "Phare has no 'maintenance' state"
    assert reports[CHECKLY].status is DeliveryStatus.PENDING


async def test_unknown_update_reads_as_nothing(repo: Repo) -> None:
    assert await repo.deliveries_of(999) == []
