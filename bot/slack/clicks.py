"""A button click on a bot message, and the answers it can get: a private note, the form."""

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.states import ProviderName
from bot.slack import replies
from bot.slack.caller import open_with_trigger
from bot.slack.failures import explain
from bot.slack.form import Form
from bot.slack.form_seal import FormSeal
from bot.slack.modal import build_view
from bot.tasks import TrackedTasks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    """Who clicked which button, on which message, with which trigger."""

    user_id: str
    channel_id: str
    message_ts: str
    trigger_id: str
    value: str

    @classmethod
    def from_body(cls, body: Mapping[str, Any], action: Mapping[str, Any]) -> "Click":
        """Read a `block_actions` payload from a message container."""
        container = body.get("container") or {}
        channel = body.get("channel") or {}
        message = body.get("message") or {}
        return cls(
            user_id=str((body.get("user") or {}).get("id", "")),
            channel_id=str(channel.get("id") or container.get("channel_id") or ""),
            message_ts=str(container.get("message_ts") or message.get("ts") or ""),
            trigger_id=str(body.get("trigger_id") or ""),
            value=str(action.get("value") or ""),
        )

    @property
    def number(self) -> int | None:
        """The button's value as a positive number (a delivery id), or None."""
        return int(self.value) if self.value.isdigit() and self.value != "0" else None


Work = Callable[["Click", AsyncWebClient], Awaitable[None]]


def click_listener(
    work: Work, background: TrackedTasks, name: str
) -> Callable[..., Awaitable[None]]:
    """A Bolt listener for a button: ack at once, then run `work` after Slack has its answer."""

    async def clicked(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = Click.from_body(body, action)
        background.spawn(_guarded(work, click, client, name), name=name)

    return clicked


async def _guarded(work: Work, click: "Click", client: AsyncWebClient, name: str) -> None:
    """Run the click's work; when it fails, tell the person who clicked what that means."""
    try:
        await work(click, client)
    except Exception as error:
        await tell(client, click, explain(error, name, store_words=replies.store_unavailable()))


async def tell(client: AsyncWebClient, click: Click, text: str) -> None:
    """A message only the person who clicked sees (failures are logged, not raised)."""
    await tell_privately(client, click.channel_id, click.user_id, text)


async def tell_privately(client: AsyncWebClient, channel_id: str, user_id: str, text: str) -> None:
    """A message in the channel only this person sees (failures are logged, not raised)."""
    try:
        await client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
    except SlackApiError as error:
        logger.warning("could not answer privately: %s", _code(error))


async def open_form(
    client: AsyncWebClient,
    click: Click,
    form: Form,
    providers_on: frozenset[ProviderName],
    notify_default: bool = False,
) -> None:
    """Open the update form with the click's trigger; say so privately when Slack refuses."""
    view = build_view(form, providers_on, FormSeal.of(client), notify_default)
    await open_view(client, click, view)


async def open_view(
    client: AsyncWebClient, click: Click, view: Mapping[str, Any], name: str = "update form"
) -> None:
    """Open a view with the click's trigger; say so privately when Slack refuses."""
    reason = await open_with_trigger(client, click.trigger_id, view)
    if reason is not None:
        await tell(client, click, f"The {name} could not be opened ({reason}). Try again.")


async def edit_message(client: AsyncWebClient, click: Click, kwargs: Mapping[str, Any]) -> None:
    """Replace the clicked message (its buttons) with new text and blocks."""
    try:
        await client.chat_update(channel=click.channel_id, ts=click.message_ts, **kwargs)
    except SlackApiError as error:
        logger.warning("could not edit the clicked message: %s", _code(error))


def _code(error: SlackApiError) -> str:
    """Slack's error code."""
    response = error.response
    code = response.get("error") if response is not None else None
    return str(code or "unknown_error")
