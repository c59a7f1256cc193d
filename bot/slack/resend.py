"""Retry and Edit & resend on a refused or failed delivery's receipt."""

from typing import Protocol

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import Source, Submission, may_have_arrived
from bot.domain.records import DeliveryReport
from bot.slack import ids, replies
from bot.slack.blocks import person
from bot.slack.clicks import Click, click_listener, edit_message, open_form, tell
from bot.slack.modal import form_for_update
from bot.slack.permissions import Permissions
from bot.slack.ports import SlackDeps
from bot.slack.receipts import RESENDABLE, receipt, target_label
from bot.tasks import TrackedTasks

EDIT_CLICK_WINDOW_SECONDS = 3.0
"""A second click on Edit & resend within this window opens no second form."""


class DeliveryLookup(Protocol):
    """Finds one delivery by id (the store)."""

    async def get_delivery(self, delivery_id: int) -> DeliveryReport | None:
        """The delivery as it stands now, or None."""
        ...


def retry_dedup_key(delivery_id: int, message_ts: str) -> str:
    """One resend per receipt: a double click stores the same key, so the second adds nothing."""
    return f"retry:{delivery_id}:{message_ts}"


class ResendHandler:
    """Turns a click on a receipt into a new submission of that update, or an open form."""

    def __init__(
        self, deps: SlackDeps, deliveries: DeliveryLookup, permissions: Permissions
    ) -> None:
        self._deps = deps
        self._deliveries = deliveries
        self._permissions = permissions

    async def retry(self, click: Click, client: AsyncWebClient) -> None:
        """Send the same update to that one target again, as a new update (Source.RETRY); one
        whose last try may have arrived is looked for at the provider first."""
        report = await self._resendable(click, client)
        if report is None:
            return
        sub = report.update.submission
        arrived = may_have_arrived(report.outcome)
        submission = Submission(
            update=sub.update,
            targets=(report.target,),
            source=Source.RETRY,
            author=click.user_id,
            channel_id=sub.channel_id,
            thread_ts=sub.thread_ts,
            dedup_key=retry_dedup_key(report.delivery_id, click.message_ts),
            check_since=report.update.created_at if arrived else None,
        )
        stored = await self._deps.publisher.submit(submission)
        if stored.duplicate:
            await tell(client, click, f"Already resent as update #{stored.id}.")
            return
        follow_up = (
            f":repeat: Resent to {target_label(report.target)} by {person(click.user_id)} "
            f"as update #{stored.id}."
        )
        await edit_message(client, click, receipt(report, follow_up=follow_up).as_kwargs())

    async def edit(self, click: Click, client: AsyncWebClient) -> None:
        """Open the form pre-filled with that update and that target only."""
        key = f"edit-resend:{click.value}:{click.message_ts}:{click.user_id}"
        if not await self._deps.repo.first_time(key, EDIT_CLICK_WINDOW_SECONDS):
            return
        report = await self._resendable(click, client)
        if report is None:
            return
        sub = report.update.submission
        form = form_for_update(sub.channel_id, sub.update, (report.target,))
        options = self._deps.options
        await open_form(client, click, form, options.providers_on, options.notify_subscribers)

    async def _resendable(self, click: Click, client: AsyncWebClient) -> DeliveryReport | None:
        """The clicked delivery if this person may resend it and it was refused or failed."""
        if not await self._permissions.allows(client, click.user_id):
            await tell(client, click, replies.not_allowed())
            return None
        delivery_id = click.number
        report = await self._deliveries.get_delivery(delivery_id) if delivery_id else None
        if report is None or report.update.submission.channel_id != click.channel_id:
            await tell(client, click, "The bot does not know this delivery any more.")
            return None
        if report.status not in RESENDABLE:
            await tell(
                client,
                click,
                f"Nothing to resend: {target_label(report.target)} is {report.status.value}.",
            )
            return None
        return report


def register_resend_buttons(
    app: AsyncApp,
    deps: SlackDeps,
    *,
    deliveries: DeliveryLookup,
    background: TrackedTasks | None = None,
) -> None:
    """Listen to the receipt buttons; each click is acked at once and handled after."""
    permissions = deps.permissions
    handler = ResendHandler(deps, deliveries, permissions)
    tasks = background or TrackedTasks()

    app.action(ids.RETRY_ACTION)(click_listener(handler.retry, tasks, "retry click"))
    app.action(ids.EDIT_RESEND_ACTION)(click_listener(handler.edit, tasks, "edit & resend click"))
