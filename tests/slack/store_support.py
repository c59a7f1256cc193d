"""The real store driven as the engine drives it: submissions in, deliveries settled by hand."""

from datetime import UTC, datetime

from bot.domain.models import DeliveryStatus, Outcome, Submission, Target
from bot.domain.records import Claim, DeliveryReport, Disposition, StoredUpdate
from bot.domain.states import ProviderName
from bot.slack.messages import skipped_reason
from bot.store.repo import Repo

OWNER = "slack-tests"


class StorePublisher:
    """A Publisher that only stores (no engine here); the store's own dedup applies."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.stored: list[StoredUpdate] = []

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Store the submission and its deliveries; remember what was new."""
        state = submission.update.state
        reasons = {t: skipped_reason(t, state) for t in submission.skipped}
        stored = await self.repo.insert_submission(submission, reasons)
        if not stored.duplicate:
            self.stored.append(stored)
        return stored

    @property
    def submissions(self) -> list[Submission]:
        """The submissions stored as new, oldest first."""
        return [s.submission for s in self.stored]


class Deliveries:
    """Claims due deliveries like the engine and records the outcome a test chooses."""

    def __init__(self, repo: Repo) -> None:
        self._repo = repo
        self._claims: dict[tuple[int, Target], Claim] = {}

    async def settle(
        self,
        update: StoredUpdate,
        target: Target,
        status: DeliveryStatus,
        outcome: Outcome,
        next_attempt_at: datetime | None = None,
    ) -> DeliveryReport:
        """Record an attempt's outcome for one target; the report the engine would pass on."""
        now = datetime.now(UTC)
        for claim in await self._repo.queue.claim_due(
            OWNER, now, 300.0, dict.fromkeys(ProviderName, 100)
        ):
            self._claims[(claim.update_id, claim.target)] = claim
        claim = self._claims.pop((update.id, target))
        disposition = Disposition(status, outcome, next_attempt_at)
        assert await self._repo.queue.record(claim, OWNER, disposition, now)
        reports = await self._repo.deliveries_of(update.id)
        return next(r for r in reports if r.target == target)
