"""Redraws the open update form when its state, an incident or the publish time changes:
template and preview."""

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids
from bot.slack.form import with_template
from bot.slack.form_seal import FormSeal
from bot.slack.modal import build_view
from bot.slack.modal_input import read_form
from bot.slack.ports import SlackDeps, SlackOptions
from bot.tasks import TrackedTasks

logger = logging.getLogger(__name__)

VIEWS_UPDATE_TIMEOUT = 5.0
FORM_ACTIONS = (ids.STATE_ACTION, ids.PHARE_ACTION, ids.CHECKLY_ACTION, ids.PUBLISHED_AT_ACTION)


def redrawn_view(
    view: Mapping[str, Any], options: SlackOptions, seal: FormSeal
) -> dict[str, Any] | None:
    """The form as it should now look: the state's template if the message is untouched;
    None when its private_metadata does not open (the form is left as it is)."""
    form = read_form(view, seal)
    if form is None:
        return None
    redrawn = with_template(form, options.templates)
    return build_view(redrawn, options.providers_on, seal, options.notify_subscribers)


async def redraw(client: AsyncWebClient, view: Mapping[str, Any], options: SlackOptions) -> None:
    """views.update with the view's hash, so a newer redraw is never overwritten by this one."""
    redrawn = redrawn_view(view, options, FormSeal.of(client))
    if redrawn is None:
        logger.info("update form not redrawn: its private_metadata is not the bot's")
        return
    try:
        async with asyncio.timeout(VIEWS_UPDATE_TIMEOUT):
            await client.views_update(
                view_id=str(view.get("id", "")), hash=view.get("hash"), view=redrawn
            )
    except SlackApiError as error:
        code = error.response.get("error") if error.response is not None else None
        logger.info("update form not redrawn: Slack said %s", code)
    except (TimeoutError, OSError) as error:
        logger.warning("update form not redrawn: %s", type(error).__name__)


def register_form_refresh(
    app: AsyncApp, deps: SlackDeps, *, background: TrackedTasks | None = None
) -> None:
    """Listen to the form's state select, incident fields and publish time (dispatch_action)."""
    options = deps.options
    tasks = background or TrackedTasks()

    async def form_changed(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Ack at once; redraw after Slack has its answer."""
        await ack()
        view = body.get("view")
        if not isinstance(view, dict) or view.get("callback_id") != ids.MODAL_CALLBACK_ID:
            return
        tasks.spawn(redraw(client, view, options), name="form redraw")

    for action_id in FORM_ACTIONS:
        app.action({"type": "block_actions", "action_id": action_id})(form_changed)
