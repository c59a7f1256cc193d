"""The content of a reaction's update: the reacted thread message's text, or a generated line."""

import logging
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
    def user(self) -> str:
        """Who reacted."""
        ...

    @property
    def bot_user_id(self) -> str | None:
        """The bot's own user id."""
        ...


async def reacted_text(
    client: AsyncWebClient, item: ReactedItem, card_ts: str, state: State
) -> str | None:
    """The reacted reply's text (Slack's escaping undone), or None when it is not in the thread.

    `conversations.replies` with a reply's ts returns only that reply, carrying its
    `thread_ts`; with a top-level message's ts it returns that message first.
    """
    response = await client.conversations_replies(channel=item.channel, ts=item.ts, limit=1)
    messages: list[dict[str, Any]] = response.get("messages") or []
    if not messages or messages[0].get("ts") != item.ts:
        return None
    message = messages[0]
    if message.get("thread_ts") != card_ts:
        return None
    text = unescape_slack(str(message.get("text") or ""))
    if message.get("user") == item.bot_user_id or not has_visible_text(text):
        return await generated_content(client, state, item.user)
    return text


async def generated_content(client: AsyncWebClient, state: State, user_id: str) -> str:
    """`Now monitoring — set by Ada`: the content for a reaction on the card itself."""
    return f"Now {state.value} — set by {await display_name(client, user_id)}"


async def display_name(client: AsyncWebClient, user_id: str) -> str:
    """A person's name from users.info, or their user id when Slack will not say."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as error:
        code = error.response.get("error") if error.response is not None else None
        logger.info("users.info for %s failed (%s); using the id", user_id, code)
        return user_id
    user: dict[str, Any] = response.get("user") or {}
    profile: dict[str, Any] = user.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), user.get("real_name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    name = user.get("name")
    return name if isinstance(name, str) and name else user_id
