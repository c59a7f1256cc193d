"""Telling the notifier of stored updates and delivery changes, from rows that survive restarts."""

import asyncio
import logging
from collections.abc import Collection, Coroutine
from datetime import datetime, timedelta
from typing import Any

from bot.delivery.policy import RetryPolicy
from bot.domain.records import Notifier
from bot.logs import about
from bot.store.outbox import OutboxQueries
from bot.store.timeutil import Clock

log = logging.getLogger(__name__)

# Claimed at a time: about what Slack takes in one report lease (it posts ~1 message/s/channel).
_BATCH = 20


class _LeaseSpent(Exception):
    """Too little of the claim is left to tell Slack anything more."""


class ReportOutbox:
    """Announces each update once, then reports each delivery change; failures are retried."""

    def __init__(
        self, queries: OutboxQueries, notifier: Notifier, policy: RetryPolicy, clock: Clock
    ) -> None:
        self._queries = queries
        self._notifier = notifier
        self._policy = policy
        self._clock = clock
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """Whether a flush is under way in this process."""
        return self._lock.locked()

    async def flush(self, update_ids: Collection[int] = ()) -> None:
        """Make every owed announcement and report (all, or of the given updates)."""
        async with self._lock:
            if not update_ids or not all(map(self._queries.known_announced, update_ids)):
                await self._announce(update_ids)
            await self._report(update_ids)

    async def _announce(self, update_ids: Collection[int]) -> None:
        """Announce stored updates not yet announced."""
        lease = self._policy.report_lease_seconds
        until = self._lease_end()
        owed = await self._queries.claim_announcements(self._clock(), lease, _BATCH, update_ids)
        for index, stored in enumerate(owed):
            try:
                await self._within_lease(until, self._notifier.update_stored(stored))
            except _LeaseSpent:
                for rest in owed[index:]:  # none of them was posted: due again now
                    await self._queries.mark_announced(rest.id, self._clock())
                return
            except Exception:
                log.exception(
                    "announcing update %s failed; will retry",
                    stored.id,
                    extra=about(update_id=stored.id),
                )
                await self._queries.mark_announced(stored.id, self._retry_at())
            else:
                await self._queries.mark_announced(stored.id, None)

    async def _report(self, update_ids: Collection[int]) -> None:
        """Report delivery changes not yet reported, for announced updates."""
        lease = self._policy.report_lease_seconds
        until = self._lease_end()
        owed = await self._queries.claim_reports(self._clock(), lease, _BATCH, update_ids)
        for index, item in enumerate(owed):
            try:
                await self._within_lease(until, self._notifier.delivery_changed(item.report))
            except _LeaseSpent:
                for rest in owed[index:]:
                    await self._queries.mark_reported(rest, self._clock())
                return
            except Exception:
                report = item.report
                log.exception(
                    "reporting delivery %s failed; will retry",
                    report.delivery_id,
                    extra=about(
                        update_id=report.update.id,
                        delivery_id=report.delivery_id,
                        provider=report.target.provider,
                    ),
                )
                await self._queries.mark_reported(item, self._retry_at())
            else:
                await self._queries.mark_reported(item, None)

    def _lease_end(self) -> float:
        """When (event-loop time) a claim made now lapses."""
        return asyncio.get_running_loop().time() + self._policy.report_lease_seconds

    async def _within_lease(self, until: float, telling: Coroutine[Any, Any, None]) -> None:
        """Tell Slack only if the call can end (by its deadline) before the claim lapses."""
        deadline = self._policy.report_deadline_seconds
        if asyncio.get_running_loop().time() + deadline > until:
            telling.close()
            raise _LeaseSpent
        async with asyncio.timeout(deadline):
            await telling

    def _retry_at(self) -> datetime:
        """When a failed report is tried again."""
        return self._clock() + timedelta(seconds=self._policy.report_retry_seconds)
