"""The update form's submission: errors shown field by field, or stored before the form closes."""

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import Source, Submission
from bot.slack import ids, replies
from bot.slack.failures import bounded, explain
from bot.slack.form_seal import FormSeal
from bot.slack.modal import ModalErrors, ModalInput, parse_submission
from bot.slack.permissions import Permissions
from bot.slack.ports import SlackDeps

logger = logging.getLogger(__name__)

STORE_FAILED = (
    "The bot could not confirm this update was saved (its database did not answer). "
    "Submit again: a repeat of the same update is not sent twice."
)


def dedup_key(view: dict[str, Any], parsed: ModalInput) -> str:
    """One key per view and content, so resubmitting after a store failure never doubles it."""
    update = parsed.update
    published = update.published_at.isoformat() if update.published_at else ""
    parts = [update.state.value, update.content, published, *map(str, parsed.targets)]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    return f"modal:{view.get('id', '')}:{digest}"


Save = Callable[[dict[str, Any], dict[str, Any], AsyncWebClient], Awaitable[dict[str, str]]]


def submission_listener(
    save: Save,
    doing: str,
    store_words: str,
    *,
    error_block: str = ids.MESSAGE_BLOCK,
    **closing: Any,
) -> Callable[..., Awaitable[None]]:
    """A Bolt listener for a form's submission: field errors (nothing stored) or, once `save`
    stored it, the form closed (`closing`: how, e.g. response_action="clear"). A failure of
    `save` itself is shown under `error_block`."""

    async def submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Answer with field errors (nothing sent) or store, then close the form."""
        try:
            errors = await save(body, view, client)
        except Exception as error:
            reason = explain(error, doing, store_words=store_words)
            errors = {error_block: reason}
        if errors:
            await ack(response_action="errors", errors=errors)
        else:
            await ack(**closing)

    return submitted


def register_submissions(app: AsyncApp, deps: SlackDeps, *, permissions: Permissions) -> None:
    """Listen to submissions of the update form."""

    async def submit(
        body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> dict[str, str]:
        """Store the form's update; the errors to show field by field instead (none: stored)."""
        user_id = str(body.get("user", {}).get("id", ""))
        if not await permissions.allows(client, user_id):
            return {ids.MESSAGE_BLOCK: replies.not_allowed()}
        options = deps.options
        parsed = parse_submission(
            view, options.providers_on, FormSeal.of(client), options.notify_subscribers
        )
        if isinstance(parsed, ModalErrors):
            return dict(parsed.errors)
        submission = Submission(
            update=parsed.update,
            targets=parsed.targets,
            source=Source.MODAL,
            author=user_id,
            channel_id=parsed.channel_id,
            dedup_key=dedup_key(view, parsed),
        )
        await bounded(deps.publisher.submit(submission))
        return {}

    listener = submission_listener(submit, "form submission", STORE_FAILED)
    app.view(ids.MODAL_CALLBACK_ID)(listener)
