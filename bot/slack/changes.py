"""Edit and Delete on an accepted receipt: the edit form, its submission, the deletion."""

import hashlib
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import DeliveryStatus, Source, Submission, Update
from bot.domain.operations import Operation, Subject
from bot.domain.records import PublishedUpdate
from bot.slack import ids, replies
from bot.slack.blocks import safe
from bot.slack.clicks import Click, click_listener, open_view, tell
from bot.slack.edit_modal import EditForm, edit_view, read_edit_submission
from bot.slack.failures import bounded
from bot.slack.form_seal import FormSeal
from bot.slack.permissions import Permissions
from bot.slack.ports import PublishedUpdates, SlackDeps
from bot.slack.submissions import submission_listener
from bot.tasks import TrackedTasks

EDIT_CLICK_WINDOW_SECONDS = 3.0
"""A second click on Edit within this window opens no second form."""

STORE_FAILED = (
    "The bot could not confirm this edit was saved (its database did not answer). "
    "Save again: the same edit is not sent twice."
)
UNKNOWN = "The bot does not know this update any more."
UNCHANGED = "This is the update as it stands. Change the state or the text, or cancel."


def deletion_key(found: PublishedUpdate) -> str:
    """One deletion per published delivery however often Delete is clicked; after one the
    vendor refused (or that failed), one more, keyed by that deletion."""
    key = f"delete:{found.delivery.delivery_id}"
    after = found.deletion_update_id
    return key if after is None else f"{key}:after:{after}"


def edit_key(view: Mapping[str, Any], update: Update) -> str:
    """One edit per view submission: Slack's retries carry the same view id and words."""
    words = f"{update.state.value}\x1f{update.content}".encode()
    return f"edit:{view.get('id', '')}:{hashlib.sha256(words).hexdigest()[:24]}"


def why_unchangeable(found: PublishedUpdate | None, channel_id: str | None) -> str | None:
    """Why this delivery's update cannot be edited or deleted now (None: it can). A click
    names its channel, which must be the update's; a form submission names none."""
    if found is None or channel_id not in (None, found.delivery.update.submission.channel_id):
        return UNKNOWN
    report = found.delivery
    vendor = report.target.provider.label
    if report.status is not DeliveryStatus.ACCEPTED or not report.provider_update_id:
        return f"Only an update {vendor} accepted can be edited or deleted."
    if found.deletion is DeliveryStatus.ACCEPTED:
        return f"This {vendor} update was deleted; there is nothing left to change."
    if found.deleted_or_deleting:
        return f"This {vendor} update is being deleted; the thread will say when {vendor} answers."
    return None


def change_submission(
    found: PublishedUpdate,
    operation: Operation,
    update: Update,
    author: str,
    receipt_ts: str | None,
    dedup_key: str,
) -> Submission:
    """An edit or a deletion of the update `found` names, at its one target, in its thread."""
    report = found.delivery
    published = report.update.submission
    return Submission(
        update=update,
        targets=(report.target,),
        source=Source.MODAL,
        author=author,
        channel_id=published.channel_id,
        thread_ts=published.thread_ts,
        dedup_key=dedup_key,
        operation=operation,
        subject=Subject(report.delivery_id, report.provider_update_id or "", receipt_ts),
    )


class ChangeHandler:
    """Turns Edit and Delete on an accepted receipt into the edit form or a stored change."""

    def __init__(
        self, deps: SlackDeps, published: PublishedUpdates, permissions: Permissions
    ) -> None:
        self._deps = deps
        self._published = published
        self._permissions = permissions

    async def edit(self, click: Click, client: AsyncWebClient) -> None:
        """Open the edit form with that update's state and text as last edited."""
        key = f"change-edit:{click.value}:{click.message_ts}:{click.user_id}"
        if not await self._deps.repo.first_time(key, EDIT_CLICK_WINDOW_SECONDS):
            return
        found = await self._changeable(click, client)
        if found is None:
            return
        report = found.delivery
        view = edit_view(
            target=report.target,
            state=found.words.state,
            content=found.words.content,
            delivery_id=report.delivery_id,
            seal=FormSeal.of(client),
            provider_update_id=report.provider_update_id,
            receipt_ts=click.message_ts,
        )
        await open_view(client, click, view, "edit form")

    async def delete(self, click: Click, client: AsyncWebClient) -> None:
        """Store the deletion of that update at its vendor (Slack asked for confirmation)."""
        found = await self._changeable(click, client)
        if found is None:
            return
        key = deletion_key(found)
        deletion = change_submission(
            found, Operation.DELETE, found.words, click.user_id, click.message_ts, key
        )
        stored = await self._deps.publisher.submit(deletion)
        vendor = found.delivery.target.provider.label
        update_id = safe(found.delivery.provider_update_id or "?", 100)
        head = "Already asked to delete" if stored.duplicate else "Deleting"
        said = f"{head} {vendor} update `{update_id}`: the thread will say when {vendor} answers."
        await tell(client, click, said)

    async def save_edit(
        self, body: Mapping[str, Any], view: Mapping[str, Any], client: AsyncWebClient
    ) -> dict[str, str]:
        """Store the form's edit; the errors to show field by field instead (none: stored)."""
        user_id = str((body.get("user") or {}).get("id", ""))
        if not await self._permissions.allows(client, user_id):
            return {ids.MESSAGE_BLOCK: replies.not_allowed()}
        form = read_edit_submission(view, seal=FormSeal.of(client))
        if not isinstance(form, EditForm):
            return dict(form)
        found = await bounded(self._published.published(form.delivery_id))
        why = why_unchangeable(found, None)
        if found is None or why is not None:
            return {ids.MESSAGE_BLOCK: why or UNKNOWN}
        words = found.words
        if (form.update.state, form.update.content) == (words.state, words.content):
            return {ids.MESSAGE_BLOCK: UNCHANGED}
        key = edit_key(view, form.update)
        edit = change_submission(found, Operation.EDIT, form.update, user_id, form.receipt_ts, key)
        await bounded(self._deps.publisher.submit(edit))
        return {}

    async def _changeable(self, click: Click, client: AsyncWebClient) -> PublishedUpdate | None:
        """The clicked delivery's update if this person may change it and it can be changed."""
        if not await self._permissions.allows(client, click.user_id):
            await tell(client, click, replies.not_allowed())
            return None
        delivery_id = click.number
        found = await self._published.published(delivery_id) if delivery_id else None
        why = why_unchangeable(found, click.channel_id)
        if why is not None:
            await tell(client, click, why)
            return None
        return found


def register_change_buttons(
    app: AsyncApp,
    deps: SlackDeps,
    *,
    published: PublishedUpdates,
    background: TrackedTasks | None = None,
) -> None:
    """Listen to Edit and Delete on accepted receipts and to the edit form's submissions."""
    handler = ChangeHandler(deps, published, deps.permissions)
    tasks = background or TrackedTasks()

    app.action(ids.DELIVERY_EDIT_ACTION)(click_listener(handler.edit, tasks, "edit click"))
    app.action(ids.DELIVERY_DELETE_ACTION)(click_listener(handler.delete, tasks, "delete click"))
    saved = submission_listener(
        handler.save_edit, "edit submission", STORE_FAILED, response_action="clear"
    )
    app.view(ids.EDIT_CALLBACK_ID)(saved)
