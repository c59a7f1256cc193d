"""Tells the incident thread: posts and edits the status card, replies with updates and receipts."""

import asyncio
import logging
from collections.abc import Awaitable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import DeliveryStatus
from bot.domain.records import ChannelStatus, DeliveryReport, StoredUpdate
from bot.slack.change_reports import CHANGES, ChangeReports
from bot.slack.messages import (
    SlackMessage,
    no_update_card,
    receipt,
    status_card,
    update_announcement,
)
from bot.slack.opening_thread import (
    is_opening,
    opening_announcement,
    opening_card,
    operation_receipt,
    speaks_for,
)
from bot.slack.ports import ChannelRepo, PublishedUpdates

logger = logging.getLogger(__name__)

# Errors about the channel itself: asking again later would fail the same way.
CHANNEL_GONE = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "channel_is_archived"}
)
# Errors about the card message only: the thread goes on without the edit.
CARD_GONE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})
_QUIET = frozenset({DeliveryStatus.IN_FLIGHT})


class SlackNotifier:
    """A Notifier that keeps one status card per channel and threads everything under it."""

    def __init__(
        self, client: AsyncWebClient, repo: ChannelRepo, published: PublishedUpdates | None = None
    ) -> None:
        self._client = client
        self._repo = repo
        self._changes = ChangeReports(client, published)
        self._locks: dict[str, asyncio.Lock] = {}

    async def update_stored(self, update: StoredUpdate) -> None:
        """The first update posts the card; a later one is a thread reply and edits the card."""
        channel = update.submission.channel_id
        if channel is None or update.submission.operation in CHANGES:
            return  # an edit or a deletion is told when its vendor answers
        async with self._lock(channel):
            await self._unless_channel_gone(channel, self._announce(channel, update))

    async def delivery_changed(self, report: DeliveryReport) -> None:
        """A receipt in the thread, and the card edited to show where each target stands."""
        channel = report.update.submission.channel_id
        if channel is None:
            return
        async with self._lock(channel):
            if report.operation in CHANGES:
                await self._unless_channel_gone(channel, self._report_change(channel, report))
            else:
                await self._unless_channel_gone(channel, self._report(channel, report))

    def _lock(self, channel: str) -> asyncio.Lock:
        """One lock per channel so this process never races itself to post two cards."""
        return self._locks.setdefault(channel, asyncio.Lock())

    async def _announce(self, channel: str, update: StoredUpdate) -> None:
        """Post the card, or reply in its thread and edit it.

        The card is drawn from the status read before posting: a delivery recorded meanwhile
        has a report still owed, and that report redraws the card again.
        """
        status = await self._repo.channel_status(channel)
        card_ts, created = await self._card(channel, update, status)
        if created:
            return
        announcement = opening_announcement if is_opening(update) else update_announcement
        await self._post(channel, announcement(update), thread_ts=card_ts)
        await self._edit_card(channel, card_ts, _card_message(status, update))

    async def _report(self, channel: str, report: DeliveryReport) -> None:
        """Post a receipt (unless it says nothing new) and edit the card (one status read)."""
        status = await self._repo.channel_status(channel)
        card_ts, created = await self._card(channel, report.update, status)
        if _worth_a_receipt(report):
            told = operation_receipt(report) if speaks_for(report) else receipt(report)
            await self._post(channel, told, thread_ts=card_ts)
        if not created:
            await self._edit_card(channel, card_ts, _card_message(status, report.update))

    async def _report_change(self, channel: str, report: DeliveryReport) -> None:
        """An edit or a deletion: the receipt redrawn and a reply; the card redrawn when the
        changed update is the one it shows or was (a deletion shows the one left standing)."""
        status = await self._repo.channel_status(channel)
        card_ts = status.binding.card_ts if status.binding is not None else None
        changed = await self._changes.report(channel, report, card_ts)
        latest = status.last_update
        if card_ts is None or changed is None or (latest is not None and latest.id > changed.id):
            return
        await self._edit_card(channel, card_ts, _card_message(status, changed))

    async def _card(
        self, channel: str, update: StoredUpdate, status: ChannelStatus
    ) -> tuple[str, bool]:
        """The card's ts, posting the card first when the channel has none; and whether we did."""
        if status.binding is not None and status.binding.card_ts is not None:
            return status.binding.card_ts, False
        posted = await self._post(channel, _card_message(status, update))
        winner = await self._repo.claim_card(channel, posted)
        if winner == posted:
            return posted, True
        logger.info("channel %s already had a status card; removing the duplicate", channel)
        await self._delete(channel, posted)
        return winner, False

    async def _post(self, channel: str, message: SlackMessage, thread_ts: str | None = None) -> str:
        """Post a message (a reply when thread_ts is given); return its ts."""
        response = await self._client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, unfurl_links=False, **message.as_kwargs()
        )
        return str(response["ts"])

    async def _edit_card(self, channel: str, card_ts: str, message: SlackMessage) -> None:
        """Redraw the card (a card gone or too old to edit is logged, not retried)."""
        try:
            await self._client.chat_update(channel=channel, ts=card_ts, **message.as_kwargs())
        except SlackApiError as error:
            code = _error_code(error)
            if code not in CARD_GONE:
                raise
            logger.warning(
                "status card %s in channel %s cannot be edited: %s", card_ts, channel, code
            )

    async def _delete(self, channel: str, ts: str) -> None:
        """Remove a message this process posted (a card that lost the race)."""
        try:
            await self._client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            logger.warning("could not remove duplicate card in %s: %s", channel, _error_code(error))

    async def _unless_channel_gone(self, channel: str, work: Awaitable[None]) -> None:
        """Run the work; a channel the bot cannot post in is logged once and not retried."""
        try:
            await work
        except SlackApiError as error:
            code = _error_code(error)
            if code not in CHANNEL_GONE:
                raise
            logger.warning(
                "cannot post in Slack channel %s (%s): invite the bot to the channel; "
                "this thread message is dropped",
                channel,
                code,
            )


def _card_message(status: ChannelStatus, update: StoredUpdate) -> SlackMessage:
    """The card for the channel's standing update (the given one if the store lags behind it:
    newer than any update the store knows; an edit or a deletion never stands)."""
    latest = status.last_update
    known = max(status.newest_id or 0, latest.id if latest is not None else 0)
    lags = update.id > known and update.submission.operation not in CHANGES
    shown = update if lags else latest
    bound = status.binding.targets if status.binding is not None else ()
    title = status.binding.title if status.binding is not None else None
    if shown is None:
        return no_update_card(bound, title)
    if is_opening(shown):
        return opening_card(shown, status.latest_deliveries)
    return status_card(shown, bound, status.latest_deliveries, title)


def _worth_a_receipt(report: DeliveryReport) -> bool:
    """Whether a report says something the thread has not been told."""
    if report.status in _QUIET:
        return False
    if report.status is DeliveryStatus.PENDING and report.outcome is None:
        return False
    skipped_already_noted = report.target in report.update.submission.skipped
    return not (report.status is DeliveryStatus.SKIPPED and skipped_already_noted)


def _error_code(error: SlackApiError) -> str:
    """Slack's error code from a failed call ("unknown" when the body had none)."""
    response = error.response
    code = response.get("error") if response is not None else None
    return str(code or "unknown")
