"""A small in-memory ChannelRepo and Publisher for Slack-layer tests (the real store is SQL)."""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.models import Submission, Target, Update
from bot.domain.reactions import Reaction
from bot.domain.records import Binding, ChannelStatus, DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName


class MemoryReactions:
    """Received reactions by event id; nothing is ever left over in a test's one process."""

    def __init__(self) -> None:
        self.kept: dict[str, Reaction] = {}

    async def receive(self, reaction: Reaction, hold_seconds: float) -> None:
        """Keep the reaction."""
        self.kept.setdefault(reaction.event_id, reaction)

    async def handled(self, event_id: str) -> None:
        """Forget the reaction."""
        self.kept.pop(event_id, None)

    async def claim_left_over(self, limit: int, hold_seconds: float) -> list[Reaction]:
        """None: the process that received them is this one, and alive."""
        return []


class MemoryRepo:
    """Bindings, cards, seen keys, updates and delivery reports, kept in dicts."""

    def __init__(self) -> None:
        self.bindings: dict[str, Binding] = {}
        self.updates: list[StoredUpdate] = []
        self.reports: list[DeliveryReport] = []
        self.reactions = MemoryReactions()
        self._seen: dict[str, float] = {}

    async def get_binding(self, channel_id: str) -> Binding | None:
        """The channel's binding."""
        return self.bindings.get(channel_id)

    async def bind(self, channel_id: str, targets: Sequence[Target]) -> Binding:
        """Bind targets, one per provider."""
        current = self.bindings.get(channel_id) or Binding(channel_id, ())
        kept = {t.provider: t for t in current.targets}
        kept.update({t.provider: t for t in targets})
        binding = replace(current, targets=tuple(sorted(kept.values())))
        self.bindings[channel_id] = binding
        return binding

    async def unbind(self, channel_id: str, provider: ProviderName | None) -> Binding | None:
        """Remove one provider's target or all."""
        current = self.bindings.get(channel_id)
        if current is None:
            return None
        left = tuple(t for t in current.targets if provider is not None and t.provider != provider)
        self.bindings[channel_id] = replace(current, targets=left)
        return self.bindings[channel_id] if left else None

    async def claim_card(self, channel_id: str, card_ts: str) -> str:
        """Keep the first card ts recorded for a channel."""
        await asyncio.sleep(0)
        current = self.bindings.get(channel_id) or Binding(channel_id, ())
        if current.card_ts is not None:
            return current.card_ts
        self.bindings[channel_id] = replace(current, card_ts=card_ts)
        return card_ts

    async def first_time(self, key: str, ttl_seconds: float) -> bool:
        """True once per key within its time to live."""
        now = time.monotonic()
        seen = self._seen.get(key)
        if seen is not None and now - seen < ttl_seconds:
            return False
        self._seen[key] = now
        return True

    async def stored_under(self, dedup_key: str) -> bool:
        """Whether an update with this dedup key is stored."""
        return any(u.submission.dedup_key == dedup_key for u in self.updates)

    async def binding_and_recent_update(
        self, channel_id: str, author: str, update: Update, within_seconds: float
    ) -> tuple[Binding | None, StoredUpdate | None]:
        """The binding and the recent update, as two lookups."""
        binding = await self.get_binding(channel_id)
        return binding, await self.recent_update(channel_id, author, update, within_seconds)

    async def recent_update(
        self, channel_id: str, author: str, update: Update, within_seconds: float
    ) -> StoredUpdate | None:
        """The newest update by the author in the channel within the window, same words."""
        since = datetime.now(UTC) - timedelta(seconds=within_seconds)
        for stored in reversed(self.updates):
            submission = stored.submission
            if (submission.channel_id, submission.author) != (channel_id, author):
                continue
            if submission.update == update and stored.created_at >= since:
                return stored
        return None

    async def channel_status(self, channel_id: str) -> ChannelStatus:
        """The binding, the newest update and the newest report per target."""
        mine = [u for u in self.updates if u.submission.channel_id == channel_id]
        last = max(mine, key=lambda u: u.id, default=None)
        latest: dict[Target, DeliveryReport] = {}
        for report in self.reports:
            if report.update.submission.channel_id == channel_id:
                latest[report.target] = report
        when = last.created_at if last is not None else None
        binding = self.bindings.get(channel_id)
        return ChannelStatus(binding, last, when, tuple(latest.values()))

    def store(self, update: StoredUpdate) -> StoredUpdate:
        """Record an update as the engine would before notifying."""
        self.updates.append(update)
        return update

    def record(self, report: DeliveryReport) -> DeliveryReport:
        """Record a delivery report as the engine would before notifying."""
        self.reports.append(report)
        return report


class RecordingPublisher:
    """A Publisher that stores submissions in a MemoryRepo, honouring dedup keys."""

    def __init__(self, repo: MemoryRepo) -> None:
        self.repo = repo
        self.submissions: list[Submission] = []

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Store the submission once per dedup key."""
        for existing in self.repo.updates:
            key = existing.submission.dedup_key
            if key is not None and key == submission.dedup_key:
                return replace(existing, duplicate=True)
        self.submissions.append(submission)
        update = StoredUpdate(len(self.repo.updates) + 1, submission, datetime.now(UTC))
        return self.repo.store(update)
