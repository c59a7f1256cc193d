"""The thread after an edit or a deletion: the receipt redrawn, a reply, or the vendor's no."""

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import DeliveryStatus, Refused
from bot.domain.operations import Operation, Subject
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.slack.blocks import SlackMessage, person, safe
from bot.slack.ports import PublishedUpdates
from bot.slack.receipt_changes import (
    change_refused,
    deleted_receipt,
    deletion_note,
    edit_note,
    edited_receipt,
)
from bot.slack.receipts import receipt

logger = logging.getLogger(__name__)

CHANGES = frozenset({Operation.EDIT, Operation.DELETE})
"""The operations that change a published update rather than publish one."""

# Errors about the receipt message only: the reply still goes out.
RECEIPT_GONE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


class ChangeReports:
    """Tells an incident thread what became of an edit or a deletion of a published update."""

    def __init__(self, client: AsyncWebClient, published: PublishedUpdates | None) -> None:
        self._client = client
        self._published = published

    async def report(
        self, channel: str, report: DeliveryReport, thread_ts: str | None
    ) -> StoredUpdate | None:
        """Redraw the receipt and reply when the vendor accepted; its words when it refused;
        retries and failures like any receipt. The update changed, whose card may follow."""
        change = report.update.submission
        subject = change.subject
        if subject is None:
            logger.warning("%s delivery %s names no update", report.operation, report.delivery_id)
            return None
        if report.status is DeliveryStatus.ACCEPTED:
            return await self._accepted(channel, report, subject, thread_ts)
        if report.status is DeliveryStatus.REFUSED and isinstance(report.outcome, Refused):
            refusal = change_refused(report.target, report.operation, report.outcome, change.author)
            await self._post(channel, refusal, thread_ts)
        elif _worth_a_receipt(report):
            await self._post(channel, receipt(report, follow_up=_asked(report)), thread_ts)
        return None

    async def _accepted(
        self, channel: str, report: DeliveryReport, subject: Subject, thread_ts: str | None
    ) -> StoredUpdate | None:
        """The receipt redrawn (when still known), then a reply saying who changed what."""
        change = report.update.submission
        published = self._published
        found = None if published is None else await published.published(subject.delivery_id)
        edit = report.operation is Operation.EDIT
        if found is not None and subject.receipt_ts is not None:
            if edit:
                redrawn = edited_receipt(found.delivery, change.update, change.author)
            else:
                redrawn = deleted_receipt(found.delivery, change.author, found.words)
            await self._redraw(channel, subject.receipt_ts, redrawn)
        if edit:
            note = edit_note(report.target, subject.remote_id, change.update, change.author)
        else:
            note = deletion_note(report.target, subject.remote_id, change.author)
        await self._post(channel, note, thread_ts)
        return None if found is None else found.delivery.update

    async def _redraw(self, channel: str, ts: str, message: SlackMessage) -> None:
        """Replace the receipt (one that cannot be edited any more is logged and left)."""
        try:
            await self._client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
        except SlackApiError as error:
            response = error.response
            code = str((response.get("error") if response is not None else None) or "unknown")
            if code not in RECEIPT_GONE:
                raise
            logger.warning("receipt %s in channel %s cannot be edited: %s", ts, channel, code)

    async def _post(self, channel: str, message: SlackMessage, thread_ts: str | None) -> None:
        """A reply in the thread (a channel message when the channel has no card)."""
        await self._client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, unfurl_links=False, **message.as_kwargs()
        )


def _worth_a_receipt(report: DeliveryReport) -> bool:
    """A retry under way, a final failure, a skip: what the thread reports of any update."""
    if report.status is DeliveryStatus.PENDING:
        return report.outcome is not None
    return report.status in {DeliveryStatus.FAILED, DeliveryStatus.SKIPPED}


def _asked(report: DeliveryReport) -> str:
    """The receipt's last line: which change of which vendor update, asked by whom."""
    change = report.update.submission
    subject = change.subject
    remote_id = safe(subject.remote_id if subject is not None else "?", 100)
    label = report.operation.label.capitalize()
    vendor = report.target.provider.label
    return f"{label} of {vendor} update `{remote_id}`, asked by {person(change.author)}."
