"""The fake Slack's Web API methods: each takes the state and the request's parameters."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack_checks import check_message_blocks, check_view
from tests.fakes.slack_state import JSON, ApiError, Message, SlackState, View

MAX_MESSAGE_TEXT = 40_000
MAX_VIEW_STACK = 3


@dataclass(frozen=True)
class Workspace:
    """Who the bot is in the fake workspace, and how long trigger ids live."""

    bot_user_id: str = "UBOT0001"
    bot_id: str = "BBOT0001"
    team_id: str = "T0TEAM0001"
    app_id: str = "A0APP00001"
    trigger_ttl: float = 3.0


Handler = Callable[[SlackState, JSON, Workspace], JSON]


def _required(params: JSON, name: str, error: str = "invalid_arguments") -> str:
    """A required string parameter."""
    value = params.get(name)
    if value in (None, ""):
        raise ApiError(error)
    return str(value)


def _writable_channel(state: SlackState, params: JSON) -> str:
    """The channel to post in, or the error Slack scripts for it."""
    channel = _required(params, "channel", "channel_not_found")
    error = state.channel_errors.get(channel)
    if error is not None:
        raise ApiError(error)
    return channel


def auth_test(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """auth.test: who the token belongs to."""
    return {
        "url": "https://fake-workspace.slack.com/",
        "team": "Fake Workspace",
        "user": "incident-bot",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "is_enterprise_install": False,
    }


def bots_info(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """bots.info: the bot user's app (the only bot this workspace knows)."""
    if _required(params, "bot", "bot_not_found") != ws.bot_id:
        raise ApiError("bot_not_found")
    bot = {"id": ws.bot_id, "deleted": False, "name": "incident-bot", "app_id": ws.app_id}
    return {"bot": {**bot, "user_id": ws.bot_user_id, "icons": {}}}


def _message_text(params: JSON) -> tuple[str, list[JSON] | None]:
    """The text and blocks of a message to post; `no_text` when it has neither."""
    blocks = check_message_blocks(params)
    text = str(params.get("text") or "")
    if not text and not blocks and not params.get("attachments"):
        raise ApiError("no_text")
    return text[:MAX_MESSAGE_TEXT], blocks


def chat_post_message(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """chat.postMessage: a message or a threaded reply."""
    channel = _writable_channel(state, params)
    text, blocks = _message_text(params)
    thread_ts = params.get("thread_ts") or None
    if thread_ts is not None:
        parent = state.find(channel, str(thread_ts))
        thread_ts = (parent.thread_ts or parent.ts) if parent is not None else str(thread_ts)
    message = Message(
        channel, state.next_ts(), text, ws.bot_user_id, thread_ts, blocks or [], ws.bot_id
    )
    state.add(message)
    out: JSON = {"channel": channel, "ts": message.ts, "message": state.api_message(message)}
    if blocks and not text:
        out["warning"] = "missing_text_or_fallback_or_attachments"
    return out


def chat_update(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """chat.update: edit one of the bot's own messages."""
    channel = _writable_channel(state, params)
    message = state.find(channel, _required(params, "ts", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    if message.user != ws.bot_user_id:
        raise ApiError("cant_update_message")
    blocks = check_message_blocks(params)
    if "text" in params:
        message.text = str(params["text"])[:MAX_MESSAGE_TEXT]
    if blocks is not None:
        message.blocks = blocks
    message.edited = True
    return {
        "channel": channel,
        "ts": message.ts,
        "text": message.text,
        "message": state.api_message(message),
    }


def chat_delete(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """chat.delete: remove one of the bot's own messages."""
    channel = _writable_channel(state, params)
    message = state.find(channel, _required(params, "ts", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    if message.user != ws.bot_user_id:
        raise ApiError("cant_delete_message")
    state.messages[channel].remove(message)
    return {"channel": channel, "ts": message.ts}


def chat_post_ephemeral(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """chat.postEphemeral: a message only one user sees (kept in `state.ephemeral`)."""
    channel = _writable_channel(state, params)
    user = _required(params, "user", "user_not_found")
    text, blocks = _message_text(params)
    ts = state.next_ts()
    state.ephemeral.append(
        {
            "channel": channel,
            "user": user,
            "text": text,
            "blocks": blocks or [],
            "ts": ts,
            "thread_ts": params.get("thread_ts"),
        }
    )
    return {"message_ts": ts}


def _use_trigger(state: SlackState, params: JSON, ws: Workspace) -> None:
    """Spend a trigger id: unknown, already used and expired ones fail like Slack."""
    trigger = _required(params, "trigger_id", "invalid_trigger_id")
    if trigger not in state.triggers:
        raise ApiError("invalid_trigger_id")
    issued = state.triggers[trigger]
    if issued is None:
        raise ApiError("exchanged_trigger_id")
    state.triggers[trigger] = None
    if time.monotonic() - issued > ws.trigger_ttl:
        raise ApiError("expired_trigger_id")


def _store_view(state: SlackState, view: JSON, stack: list[str], view_id: str | None) -> JSON:
    """Keep a view (new or replaced) and answer with it as Slack does."""
    vid = view_id or state.next_id("V")
    stored = View(vid, state.next_id("h"), view, stack)
    state.views[vid] = stored
    return {"view": {**view, "id": vid, "hash": stored.hash, "team_id": "T0TEAM0001"}}


def views_open(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """views.open: a new modal, within the trigger's life."""
    view = check_view(params.get("view"))
    _use_trigger(state, params, ws)
    stack: list[str] = []
    answer = _store_view(state, view, stack, None)
    stack.append(answer["view"]["id"])
    return answer


def views_push(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """views.push: a view on top of the open one; at most three stacked."""
    view = check_view(params.get("view"))
    _use_trigger(state, params, ws)
    stacks = [v.stack for v in state.views.values() if v.stack]
    if not stacks:
        raise ApiError("not_found")
    stack = stacks[-1]
    if len(stack) >= MAX_VIEW_STACK:
        raise ApiError("push_limit_reached")
    answer = _store_view(state, view, stack, None)
    stack.append(answer["view"]["id"])
    return answer


def views_update(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """views.update: replace a view by id; a stale hash is a `hash_conflict`."""
    view = check_view(params.get("view"))
    current = state.views.get(str(params.get("view_id", "")))
    if current is None:
        raise ApiError("not_found")
    if params.get("hash") and params["hash"] != current.hash:
        raise ApiError("hash_conflict")
    return _store_view(state, view, current.stack, current.id)


def conversations_replies(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """conversations.replies: a reply's ts gives that reply; a parent's gives the thread."""
    channel = _required(params, "channel", "channel_not_found")
    if channel in state.channel_errors or channel not in state.messages:
        raise ApiError("channel_not_found")
    message = state.find(channel, _required(params, "ts", "thread_not_found"))
    if message is None:
        raise ApiError("thread_not_found")
    if message.thread_ts not in (None, message.ts):
        found = [message]
    else:
        found = [message, *state.replies_to(channel, message.ts)]
    limit = int(params.get("limit") or 1000)
    out: JSON = {"messages": [state.api_message(m) for m in found[:limit]]}
    out["has_more"] = len(found) > limit
    return out


def users_info(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """users.info: a seeded user."""
    user = state.users.get(_required(params, "user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user}


def usergroups_users_list(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """usergroups.users.list: the members of a seeded user group."""
    users = state.usergroups.get(_required(params, "usergroup", "no_such_subteam"))
    if users is None:
        raise ApiError("no_such_subteam")
    return {"users": list(users)}


def reactions_get(state: SlackState, params: JSON, ws: Workspace) -> JSON:
    """reactions.get: a message with its reactions."""
    channel = _required(params, "channel", "channel_not_found")
    message = state.find(channel, _required(params, "timestamp", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    api: dict[str, Any] = state.api_message(message)
    reactions = state.reactions.get((channel, message.ts))
    if reactions:
        api["reactions"] = reactions
    return {"type": "message", "channel": channel, "message": api}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "bots.info": bots_info,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.postEphemeral": chat_post_ephemeral,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "conversations.replies": conversations_replies,
    "users.info": users_info,
    "usergroups.users.list": usergroups_users_list,
    "reactions.get": reactions_get,
}
