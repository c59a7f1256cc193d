"""Reminders: armed by each new update, fired by a periodic job claiming due rows in the store."""

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import DeliveryStatus
from bot.domain.records import DeliveryReport, Notifier, StoredUpdate
from bot.domain.reminders import LookAgain, Nudge, Stop, decide, interval_of
from bot.metrics import Metrics
from bot.slack.change_reports import CHANGES
from bot.slack.notifier import CHANNEL_GONE
from bot.slack.nudges import nudge
from bot.store.reminders import ReminderCheck
from bot.store.timeutil import Clock, utc_now

logger = logging.getLogger(__name__)

JOB_ID = "reminder-tick"
CLAIM_LIMIT = 20
# A claimed reminder is the job's for this long; each one handled must end by its deadline
# before that, or it is left for the next claim (a replica, or this process after a restart).
LEASE_SECONDS = 8.0
HANDLE_DEADLINE_SECONDS = 3.0
RETRY_SECONDS = 60.0
SWEEP_SECONDS = 60.0


class ReminderStore(Protocol):
    """The reminder rows (bot.store.reminders.ReminderQueries)."""

    async def arm(self, channel_id: str, due_at: datetime, *, keep_due: bool = False) -> bool:
        """Look at the channel at `due_at` (keep_due: unless armed already); the row is
        removed when unbound or resolved."""
        ...

    async def arm_missing(self) -> int:
        """Give each bound, unresolved channel with a card a reminder if it has none."""
        ...

    async def claim_due(self, limit: int, lease_seconds: float) -> list[str]:
        """Channels whose reminder is due, claimed by this process alone."""
        ...

    async def check(self, channel_id: str) -> ReminderCheck | None:
        """What the job needs to decide, or None when the reminder is gone."""
        ...

    async def reschedule(
        self, channel_id: str, due_at: datetime, *, fired_at: datetime | None = None
    ) -> None:
        """Look again at `due_at`; record a nudge posted at `fired_at`."""
        ...

    async def snooze(self, channel_id: str, until: datetime) -> bool:
        """No nudge before `until`; False when there is no reminder."""
        ...

    async def clear(self, channel_id: str) -> None:
        """Remove the channel's reminder."""
        ...


class ArmingNotifier:
    """A Notifier that (re-)arms the channel's reminder as each new update is announced.

    Arming runs in the worker, after the person has their answer; one that fails
    is healed by the job's sweep (`arm_missing`). A resolved update removes the reminder.
    An edit or a deletion is no new update: it re-arms nothing, but once its vendor accepted
    it the reminder follows the current state it left (removed if resolved, armed if not).
    """

    def __init__(
        self, inner: Notifier, store: ReminderStore, minutes: float, *, clock: Clock = utc_now
    ) -> None:
        self._inner = inner
        self._store = store
        self._interval = interval_of(minutes)
        self._clock = clock

    async def update_stored(self, update: StoredUpdate) -> None:
        """Announce through the inner notifier, then arm (also when announcing failed)."""
        try:
            await self._inner.update_stored(update)
        finally:
            channel = update.submission.channel_id
            if channel is not None and update.submission.operation not in CHANGES:
                await self._arm(channel, update.created_at + self._interval)

    async def delivery_changed(self, report: DeliveryReport) -> None:
        """Report through the inner notifier; an accepted change settles the reminder."""
        try:
            await self._inner.delivery_changed(report)
        finally:
            channel = report.update.submission.channel_id
            accepted = report.status is DeliveryStatus.ACCEPTED
            if channel is not None and accepted and report.operation in CHANGES:
                await self._arm(channel, self._clock() + self._interval, keep_due=True)

    async def _arm(self, channel: str, due_at: datetime, *, keep_due: bool = False) -> None:
        """Arm, logging a failure (the sweep arms the channel later)."""
        try:
            await self._store.arm(channel, due_at, keep_due=keep_due)
        except Exception as error:
            logger.warning("reminder of %s not re-armed: %s", channel, type(error).__name__)


class ReminderJob:
    """Nudges the thread of each bound, unresolved incident that has gone quiet."""

    def __init__(
        self,
        client: AsyncWebClient,
        store: ReminderStore,
        minutes: float,
        *,
        clock: Clock = utc_now,
        metrics: Metrics | None = None,
    ) -> None:
        self._client = client
        self._metrics = metrics
        self._store = store
        self._interval = interval_of(minutes)
        self._clock = clock
        self._next_sweep: datetime | None = None

    @property
    def poll_seconds(self) -> float:
        """How often to look for due reminders: a quarter interval, within 0.25–15 s."""
        return min(max(self._interval.total_seconds() / 4, 0.25), 15.0)

    async def run_due(self) -> int:
        """Handle every reminder due now; how many were claimed."""
        await self._sweep()
        loop = asyncio.get_running_loop()
        last_start = loop.time() + LEASE_SECONDS - HANDLE_DEADLINE_SECONDS
        channels = await self._store.claim_due(CLAIM_LIMIT, LEASE_SECONDS)
        for channel in channels:
            if loop.time() > last_start:
                break  # the rest lapse and are claimed again
            try:
                async with asyncio.timeout(HANDLE_DEADLINE_SECONDS):
                    await self._handle(channel)
            except Exception:
                logger.exception("reminder of channel %s failed; trying again later", channel)
                retry_at = self._clock() + timedelta(seconds=RETRY_SECONDS)
                await self._store.reschedule(channel, retry_at)
        return len(channels)

    async def _sweep(self) -> None:
        """Now and then, arm bound, unresolved channels that lack a reminder."""
        now = self._clock()
        if self._next_sweep is not None and now < self._next_sweep:
            return
        period = min(self._interval.total_seconds(), SWEEP_SECONDS)
        self._next_sweep = now + timedelta(seconds=period)
        try:
            added = await self._store.arm_missing()
        except Exception:
            logger.exception("arming missing reminders failed; trying again later")
            return
        if added:
            logger.info("armed %d reminder(s) that were missing", added)

    async def _handle(self, channel: str) -> None:
        """Nudge, look again later, or stop, as the channel's state says."""
        check = await self._store.check(channel)
        if check is None:
            return
        now = self._clock()
        decision = decide(
            bound=check.bound,
            state=check.current_state,
            last_update_at=check.last_update_at,
            snoozed_until=check.snoozed_until,
            last_fired_at=check.last_fired_at,
            now=now,
            interval=self._interval,
        )
        if isinstance(decision, Stop):
            await self._store.clear(channel)
        elif isinstance(decision, LookAgain):
            await self._store.reschedule(channel, decision.at)
        elif check.card_ts is None:
            await self._store.reschedule(channel, now + timedelta(seconds=RETRY_SECONDS))
        else:
            await self._nudge(check, check.card_ts, decision, now)

    async def _nudge(
        self, check: ReminderCheck, card_ts: str, decision: Nudge, now: datetime
    ) -> None:
        """Post the reminder in the incident thread and look again one interval later."""
        message = nudge(check.channel_id, check.current_state, decision.quiet_for)
        try:
            await self._client.chat_postMessage(
                channel=check.channel_id, thread_ts=card_ts, **message.as_kwargs()
            )
            if self._metrics is not None:
                self._metrics.reminder_posted()
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            if code not in CHANNEL_GONE:
                raise
            logger.warning("reminder not posted: cannot post in %s (%s)", check.channel_id, code)
        await self._store.reschedule(check.channel_id, now + self._interval, fired_at=now)
