"""The fake Slack's memory: messages, threads, users, groups, reactions, triggers and views."""

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A Slack Web API error: answered as HTTP `status` with `{"ok": false, "error": ...}`."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.headers = headers or {}
        self.messages = messages or []

    def body(self) -> JSON:
        """The JSON body Slack sends with this error."""
        body: JSON = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass(frozen=True)
class Call:
    """One request the fake received: method, merged parameters, when, and what it answered."""

    method: str
    params: JSON
    at: float
    status: int
    response: JSON


@dataclass
class Message:
    """A message in a channel, as Slack keeps it."""

    channel: str
    ts: str
    text: str
    user: str
    thread_ts: str | None = None
    blocks: list[JSON] = field(default_factory=list)
    bot_id: str | None = None
    edited: bool = False
    subtype: str | None = None

    def to_api(self, replies: list["Message"]) -> JSON:
        """The message as conversations.replies / reactions.get return it."""
        out: JSON = {"type": "message", "ts": self.ts, "text": self.text, "user": self.user}
        if self.blocks:
            out["blocks"] = self.blocks
        if self.bot_id:
            out["bot_id"] = self.bot_id
        if self.subtype:
            out["subtype"] = self.subtype
        if self.edited:
            out["edited"] = {"user": self.user, "ts": self.ts}
        if self.thread_ts is not None:
            out["thread_ts"] = self.thread_ts
        elif replies:
            out["thread_ts"] = self.ts
        if replies and self.thread_ts in (None, self.ts):
            out["reply_count"] = len(replies)
            out["latest_reply"] = replies[-1].ts
        return out


@dataclass
class View:
    """A modal view as Slack keeps it."""

    id: str
    hash: str
    view: JSON
    stack: list[str]


class SlackState:
    """Everything the fake remembers; callers hold the fake's lock around every use."""

    def __init__(self) -> None:
        self.messages: dict[str, list[Message]] = {}
        self.ephemeral: list[JSON] = []
        self.users: dict[str, JSON] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.reactions: dict[tuple[str, str], list[JSON]] = {}
        self.channel_errors: dict[str, str] = {}
        self.triggers: dict[str, float | None] = {}
        self.views: dict[str, View] = {}
        self.stacks: dict[str, list[str]] = {}
        self._ids = itertools.count(1)
        self._last_ts_us = 0

    def next_id(self, prefix: str) -> str:
        """A fresh Slack-looking id such as V00000001."""
        return f"{prefix}{next(self._ids):08d}"

    def next_ts(self) -> str:
        """A fresh message ts, strictly increasing, in Slack's `seconds.micros` form."""
        now_us = int(time.time() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def find(self, channel: str, ts: str) -> Message | None:
        """The message with this ts in this channel, or None."""
        return next((m for m in self.messages.get(channel, []) if m.ts == ts), None)

    def replies_to(self, channel: str, parent_ts: str) -> list[Message]:
        """The replies in a thread, oldest first, without the parent."""
        found = [
            m
            for m in self.messages.get(channel, [])
            if m.thread_ts == parent_ts and m.ts != m.thread_ts
        ]
        return sorted(found, key=lambda m: _ts_key(m.ts))

    def add(self, message: Message) -> None:
        """Store a message, keeping the channel ordered by ts."""
        messages = self.messages.setdefault(message.channel, [])
        messages.append(message)
        messages.sort(key=lambda m: _ts_key(m.ts))

    def api_message(self, message: Message) -> JSON:
        """A message in API form, with its thread fields."""
        replies = (
            []
            if message.thread_ts not in (None, message.ts)
            else self.replies_to(message.channel, message.ts)
        )
        return message.to_api(replies)


def _ts_key(ts: str) -> tuple[int, int]:
    """Sort key for a Slack ts."""
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)
