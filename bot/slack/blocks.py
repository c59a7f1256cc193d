"""Small Block Kit pieces that keep user text escaped and inside Slack's limits."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.domain.text import escape_mrkdwn

Block = dict[str, Any]

MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 2000
MAX_FALLBACK_TEXT = 3000
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


@dataclass(frozen=True)
class SlackMessage:
    """A message's fallback text and its blocks, ready for chat.postMessage / chat.update."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for slack_sdk's chat methods."""
        return {"text": self.text, "blocks": self.blocks}


def safe(text: str, limit: int = MAX_SECTION_TEXT) -> str:
    """User or vendor text escaped for mrkdwn and cut to `limit` without a broken entity."""
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    cut = _PARTIAL_ENTITY.sub("", escaped[: max(limit - 1, 0)])
    return cut + "…"


def fit(mrkdwn: str, limit: int) -> str:
    """Already-safe mrkdwn cut to `limit`, never leaving half an escape."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    return _PARTIAL_ENTITY.sub("", mrkdwn[: max(limit - 1, 0)]) + "…"


def section(mrkdwn: str) -> Block:
    """A section of already-safe mrkdwn, within Slack's 3000-character limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit(mrkdwn, MAX_SECTION_TEXT)}}


def context(*parts: str) -> Block:
    """A context line of already-safe mrkdwn parts."""
    elements = [{"type": "mrkdwn", "text": fit(p, MAX_CONTEXT_TEXT)} for p in parts if p]
    return {"type": "context", "elements": elements[:10]}


def quote(text: str, limit: int) -> str:
    """User text as a mrkdwn block quote, escaped and cut."""
    return "\n".join("> " + line if line else ">" for line in safe(text, limit).split("\n"))


def person(author: str | None) -> str:
    """Who did it: a Slack mention for a Slack user id, otherwise the name as plain text."""
    if author is None or not author.strip():
        return "someone"
    if _USER_ID.fullmatch(author):
        return f"<@{author}>"
    return safe(author, 80)


def when(moment: datetime) -> str:
    """A time Slack shows in each reader's own zone, with a UTC fallback."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    epoch = int(utc.timestamp())
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"


def fallback(text: str) -> str:
    """Plain fallback text, already safe, kept short."""
    return fit(text, MAX_FALLBACK_TEXT)
