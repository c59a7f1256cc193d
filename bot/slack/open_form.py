"""The "Open an incident" form: opened by a bare `/incident-update open`, its submission stored."""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import Source
from bot.domain.operations import Component
from bot.domain.states import ProviderName
from bot.slack import ids, open_replies, replies
from bot.slack.caller import Caller, open_with_trigger
from bot.slack.clicks import tell_privately
from bot.slack.failures import StoreDown, explain
from bot.slack.form_seal import FormSeal
from bot.slack.open_command import still_open, store_opening
from bot.slack.open_input import OpenForm, read_open_submission
from bot.slack.open_modal import open_view
from bot.slack.permissions import Permissions
from bot.slack.ports import SlackDeps
from bot.slack.submissions import submission_listener
from bot.tasks import TrackedTasks

logger = logging.getLogger(__name__)

COMPONENTS_WAIT = 1.5
"""How long the form waits for the status page's components (Slack's trigger lives 3 s)."""
BINDING_WAIT = 1.0
"""How long the form waits for the channel's binding; past it the submission checks it."""
OPEN_STORE_FAILED = (
    "The bot could not confirm this incident was saved (its database did not answer). "
    "Submit again: the same form never opens the incident twice."
)

Components = Sequence[Component] | str | None


class OpenFormFlow:
    """Opening the form within the trigger's life, and storing what it submits."""

    def __init__(self, deps: SlackDeps, permissions: Permissions, background: TrackedTasks) -> None:
        self._deps = deps
        self._permissions = permissions
        self._background = background

    @property
    def _vendors(self) -> frozenset[ProviderName]:
        """The vendors that can open an incident on this bot."""
        return frozenset(place.provider for place in self._deps.options.open_at)

    async def show(self, client: AsyncWebClient, caller: Caller, respond: AsyncRespond) -> None:
        """Open the form with the command's trigger (runs right after the ack); tell the caller
        privately why when it is refused or cannot open. The components are read meanwhile."""
        reading = asyncio.create_task(self._components(), name="status page components")
        try:
            refusal = await self._refusal(client, caller)
            if refusal is None:
                refusal = await self._open(client, caller, await reading)
        except Exception as error:
            refusal = explain(error, "opening the form", store_words=replies.store_unavailable())
        finally:
            reading.cancel()
        if refusal is not None:
            await respond(text=refusal, response_type="ephemeral")

    async def _refusal(self, client: AsyncWebClient, caller: Caller) -> str | None:
        """Why this person may not open an incident in this channel now; None when they may.
        A store too slow to say opens the form all the same: the submission checks again."""
        if not await self._permissions.allows(client, caller.user_id):
            return replies.not_allowed()
        options = self._deps.options
        if not options.open_at:
            return open_replies.nowhere(options.providers_on)
        try:
            return await still_open(self._deps, caller.channel_id, seconds=BINDING_WAIT)
        except StoreDown:
            return None

    async def _components(self) -> Components:
        """The status page's components, or why not within COMPONENTS_WAIT; None: no page."""
        reader = self._deps.components
        if reader is None or ProviderName.CHECKLY not in self._vendors:
            return None
        try:
            async with asyncio.timeout(COMPONENTS_WAIT):
                return await reader.components()
        except TimeoutError:
            return f"Checkly did not answer within {COMPONENTS_WAIT:g} s."
        except Exception:
            logger.exception("reading the status page's components failed")
            return "The bot failed while reading them; the error is in its log."

    async def _open(
        self, client: AsyncWebClient, caller: Caller, components: Components
    ) -> str | None:
        """Open the form; why it did not open, or None."""
        view = open_view(
            vendors=self._vendors,
            components=components,
            notify_default=self._deps.options.notify_subscribers,
            channel_id=caller.channel_id,
            seal=FormSeal.of(client),
        )
        reason = await open_with_trigger(client, caller.trigger_id, view)
        return None if reason is None else open_replies.form_failed(reason)

    async def save(
        self, body: Mapping[str, Any], view: Mapping[str, Any], client: AsyncWebClient
    ) -> dict[str, str]:
        """Store the form's opening and tell the person privately, as the typed command does;
        the errors to show field by field instead. A retried submission stores it once."""
        user_id = str((body.get("user") or {}).get("id", ""))
        if not await self._permissions.allows(client, user_id):
            return {ids.OPEN_TITLE_BLOCK: replies.not_allowed()}
        form = read_open_submission(view, vendors=self._vendors, seal=FormSeal.of(client))
        if not isinstance(form, OpenForm):
            return dict(form)
        options = self._deps.options
        said = await store_opening(
            self._deps,
            replace(form.opening, monitor_ids=options.phare_monitor_ids),
            tuple(p for p in options.open_at if p.provider in form.vendors),
            source=Source.MODAL,
            user_id=user_id,
            channel_id=form.channel_id,
            key=f"open-form:{view.get('id', '')}",
        )
        told = tell_privately(client, form.channel_id, user_id, said)
        self._background.spawn(told, name="open form answer")
        return {}


def register_open_submission(
    app: AsyncApp, deps: SlackDeps, *, permissions: Permissions, background: TrackedTasks
) -> None:
    """Listen to submissions of the "Open an incident" form."""
    flow = OpenFormFlow(deps, permissions, background)
    listener = submission_listener(
        flow.save, "open form submission", OPEN_STORE_FAILED, error_block=ids.OPEN_TITLE_BLOCK
    )
    app.view(ids.OPEN_CALLBACK_ID)(listener)
