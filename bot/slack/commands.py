"""`/incident-update` and its subcommands: every path answers Slack within its 3 seconds."""

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import Source, Submission, Update
from bot.domain.records import Binding
from bot.domain.targets import with_notify_default
from bot.domain.validation import validate
from bot.slack import ids, replies
from bot.slack.caller import Caller, open_with_trigger
from bot.slack.command_text import (
    Link,
    Malformed,
    OpenIncident,
    OpenModal,
    Parsed,
    Publish,
    ShowHelp,
    ShowStatus,
    UnknownWord,
    Unlink,
    parse_command_text,
)
from bot.slack.failures import StoreDown, bounded, explain
from bot.slack.form_seal import FormSeal
from bot.slack.modal import build_modal
from bot.slack.open_command import open_incident
from bot.slack.open_form import OpenFormFlow
from bot.slack.permissions import Permissions
from bot.slack.ports import SlackDeps
from bot.tasks import TrackedTasks

logger = logging.getLogger(__name__)

BINDING_TIMEOUT_FOR_MODAL = 1.0
RETYPE_WINDOW = 60.0


class CommandHandler:
    """The subcommands, each turned into the text only the caller sees."""

    def __init__(self, deps: SlackDeps, permissions: Permissions) -> None:
        self._deps = deps
        self._permissions = permissions

    async def answer(self, parsed: Parsed, caller: Caller, client: AsyncWebClient) -> str:
        """The ephemeral reply to a parsed command (the modal is opened elsewhere)."""
        try:
            return await self._answer(parsed, caller, client)
        except Exception as error:
            return explain(error, "/incident-update", store_words=replies.store_unavailable())

    async def _answer(self, parsed: Parsed, caller: Caller, client: AsyncWebClient) -> str:
        """Dispatch on the kind of command."""
        if isinstance(parsed, ShowHelp | OpenModal):
            return replies.help_text(self._deps.options.reactions)
        if isinstance(parsed, UnknownWord):
            return replies.unknown_word(parsed.word)
        if isinstance(parsed, Malformed):
            return replies.malformed(parsed.problem)
        if isinstance(parsed, ShowStatus):
            return replies.status_text(
                await bounded(self._deps.repo.channel_status(caller.channel_id))
            )
        if not await self._permissions.allows(client, caller.user_id):
            return replies.not_allowed()
        if isinstance(parsed, Link):
            return await self._link(parsed, caller)
        if isinstance(parsed, Unlink):
            left = await bounded(self._deps.repo.unbind(caller.channel_id, parsed.provider))
            return replies.unlinked(parsed.provider, left)
        if isinstance(parsed, OpenIncident):
            key = f"command:{caller.trigger_id}"
            return await open_incident(
                self._deps, parsed.title or "", caller.user_id, caller.channel_id, key
            )
        return await self._publish(parsed, caller)

    async def _link(self, link: Link, caller: Caller) -> str:
        """Bind the channel, refusing providers the bot is not set up for."""
        for target in link.targets:
            if target.provider not in self._deps.options.providers_on:
                return replies.provider_off(target.provider)
        binding = await bounded(self._deps.repo.bind(caller.channel_id, link.targets))
        return replies.linked(binding)

    async def _publish(self, publish: Publish, caller: Caller) -> str:
        """Validate against the bound incidents, store, and say it is on its way.

        The same words from the same person in the same channel within a minute (a command
        retyped after Slack's timeout) are not stored again; a replayed request (same
        trigger_id) is caught by the store's dedup key.
        """
        update = Update(publish.state, publish.message)
        binding, earlier = await bounded(
            self._deps.repo.binding_and_recent_update(
                caller.channel_id, caller.user_id, update, RETYPE_WINDOW
            )
        )
        if binding is None or not binding.targets:
            return replies.not_bound()
        for target in binding.targets:
            if target.provider not in self._deps.options.providers_on:
                return replies.provider_off(target.provider)
        update = with_notify_default(update, binding.targets, self._deps.options.notify_subscribers)
        errors = validate(update, binding.targets)
        if errors:
            return replies.not_published(errors)
        if earlier is not None and set(earlier.submission.targets) == set(binding.targets):
            return replies.already_published(earlier)
        submission = Submission(
            update=update,
            targets=binding.targets,
            source=Source.INLINE,
            author=caller.user_id,
            channel_id=caller.channel_id,
            dedup_key=f"command:{caller.trigger_id}",
        )
        return replies.published(await bounded(self._deps.publisher.submit(submission)))

    async def open_modal(
        self, client: AsyncWebClient, caller: Caller, respond: AsyncRespond
    ) -> None:
        """Open the form with the command's trigger (runs right after the ack)."""
        try:
            await self._open_modal(client, caller, respond)
        except Exception as error:
            text = explain(error, "opening the form", store_words=replies.store_unavailable())
            await respond(text=text, response_type="ephemeral")

    async def _open_modal(
        self, client: AsyncWebClient, caller: Caller, respond: AsyncRespond
    ) -> None:
        """Check the caller, read the binding, open the form; say why when Slack refuses."""
        if not await self._permissions.allows(client, caller.user_id):
            await respond(text=replies.not_allowed(), response_type="ephemeral")
            return
        binding = await self._binding_for_modal(caller.channel_id)
        options = self._deps.options
        view = build_modal(
            caller.channel_id,
            binding,
            options.providers_on,
            seal=FormSeal.of(client),
            templates=options.templates,
            notify_default=options.notify_subscribers,
        )
        reason = await open_with_trigger(client, caller.trigger_id, view)
        if reason is not None:
            await respond(text=replies.modal_failed(reason), response_type="ephemeral")

    async def _binding_for_modal(self, channel_id: str) -> Binding | None:
        """The binding to pre-fill the form with; an empty form if the store is slow."""
        try:
            return await bounded(self._deps.repo.get_binding(channel_id), BINDING_TIMEOUT_FOR_MODAL)
        except StoreDown:
            return None


def register_commands(
    app: AsyncApp, deps: SlackDeps, *, permissions: Permissions, background: TrackedTasks
) -> None:
    """Listen to `/incident-update`."""
    handler = CommandHandler(deps, permissions)
    forms = OpenFormFlow(deps, permissions, background)

    async def incident_update(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        """A form opens in a task after an empty ack; any other reply is the ack's own text."""
        caller = Caller(
            user_id=str(command.get("user_id", "")),
            channel_id=str(command.get("channel_id", "")),
            trigger_id=str(command.get("trigger_id", "")),
        )
        parsed = parse_command_text(str(command.get("text") or ""))
        if isinstance(parsed, OpenModal):
            await ack()
            background.spawn(handler.open_modal(client, caller, respond), name="views.open")
            return
        if isinstance(parsed, OpenIncident) and parsed.title is None:
            await ack()
            background.spawn(forms.show(client, caller, respond), name="open form")
            return
        await ack(text=await handler.answer(parsed, caller, client), response_type="ephemeral")

    app.command(ids.COMMAND)(incident_update)
