"""Who reacted and on what: a person or an app, a person's thread message or the bot's own."""

import enum
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.states import State
from bot.domain.text import has_visible_text, unescape_slack

logger = logging.getLogger(__name__)


class ReactedItem(Protocol):
    """Where the reaction was added, and by whom."""

    @property
    def channel(self) -> str:
        """The channel id."""
        ...

    @property
    def ts(self) -> str:
        """The reacted message's ts."""
        ...

    @property
    def bot_user_id(self) -> str | None:
        """The bot's own user id."""
        ...


class NotPublished(enum.Enum):
    """Why a reacted message gives no update."""

    OUTSIDE_THREAD = "not a message in the incident thread"
    FROM_AN_APP = "a message posted by the bot or another app"


@dataclass(frozen=True)
class Reactor:
    """The person (or app) who reacted, as users.info describes them."""

    user_id: str
    name: str
    is_app: bool


async def reacted_text(
    client: AsyncWebClient, item: ReactedItem, card_ts: str
) -> str | NotPublished:
    """A person's reply in the thread: its text (Slack's escaping undone, "" when it shows
    none); else why it gives no update.

    `conversations.replies` with a reply's ts returns only that reply, carrying its
    `thread_ts`; with a top-level message's ts it returns that message first.
    """
    response = await client.conversations_replies(channel=item.channel, ts=item.ts, limit=1)
    messages: list[dict[str, Any]] = response.get("messages") or []
    if not messages or messages[0].get("ts") != item.ts:
        return NotPublished.OUTSIDE_THREAD
    message = messages[0]
    if message.get("thread_ts") != card_ts:
        return NotPublished.OUTSIDE_THREAD
    if posted_by_an_app(message, item.bot_user_id):
        return NotPublished.FROM_AN_APP
    text = unescape_slack(str(message.get("text") or ""))
    return text if has_visible_text(text) else ""


def posted_by_an_app(message: dict[str, Any], bot_user_id: str | None) -> bool:
    """Whether the bot or another app (a bot user, an integration, a webhook) wrote it."""
    return bool(
        message.get("bot_id")
        or message.get("app_id")
        or message.get("subtype") == "bot_message"
        or (bot_user_id is not None and message.get("user") == bot_user_id)
    )


def generated_content(state: State, reactor: Reactor) -> str:
    """`Now monitoring — set by Ada`: the content for a reaction on the card itself."""
    return f"Now {state.value} — set by {reactor.name}"


async def who_reacted(client: AsyncWebClient, user_id: str) -> Reactor:
    """The reactor from users.info; a person named by their id when Slack will not say."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as error:
        code = error.response.get("error") if error.response is not None else None
        logger.info("users.info for %s failed (%s); using the id", user_id, code)
        return Reactor(user_id, user_id, is_app=False)
    user: dict[str, Any] = response.get("user") or {}
    is_app = bool(user.get("is_bot") or user.get("is_app_user"))
    return Reactor(user_id, _name(user) or user_id, is_app)


def _name(user: dict[str, Any]) -> str | None:
    """The display name, the real name or the handle, whichever is set first."""
    profile: dict[str, Any] = user.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), user.get("real_name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    name = user.get("name")
    return name if isinstance(name, str) and name else None
