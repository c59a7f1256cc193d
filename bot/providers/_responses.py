"""Reading vendor answers: Retry-After, JSON bodies, clean excerpts of anything else."""

import html
import json
import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bot.providers.base import RETRY_AFTER_CAP_SECONDS

EXCERPT_LIMIT = 200
_TAG = re.compile(r"<[^>]*>")
_HIDDEN_BLOCK = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait per Retry-After (seconds or an HTTP date), capped; None if unusable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.replace(".", "", 1).isdigit():
        seconds: float | None = float(text)
    else:
        seconds = _seconds_until(text, now or datetime.now(UTC))
    if seconds is None or math.isnan(seconds) or seconds < 0:
        return None
    return min(seconds, RETRY_AFTER_CAP_SECONDS)


def _seconds_until(text: str, now: datetime) -> float | None:
    """Seconds from now until an HTTP date (never negative), or None when it is not a date."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def json_body(response: httpx.Response) -> Any:
    """The decoded JSON body, or None when it is empty or not JSON."""
    if not response.content.strip():
        return None
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


def excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """A short, clean excerpt: tags stripped, entities decoded, whitespace collapsed."""
    text = _HIDDEN_BLOCK.sub(" ", text)
    text = html.unescape(_TAG.sub(" ", text))
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def as_said(text: str, limit: int = 1000) -> str:
    """A vendor's JSON message kept word for word (Slack escapes it): whitespace collapsed, cut."""
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def vendor_message(response: httpx.Response) -> str:
    """What the vendor said: its JSON `message` (or `error`), else a clean excerpt of the body."""
    body = json_body(response)
    if isinstance(body, dict):
        for key in ("message", "error"):
            said = body.get(key)
            if isinstance(said, str) and said.strip():
                return as_said(said)
    if body is None and response.content.strip():
        return excerpt(response.content.decode("utf-8", errors="replace"))
    return ""


def field_errors(response: httpx.Response) -> dict[str, tuple[str, ...]]:
    """Laravel-style `errors: {field: [messages]}` as a mapping of tuples (empty if none)."""
    body = json_body(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict):
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for name, messages in errors.items():
        if isinstance(messages, str):
            messages = [messages]
        if isinstance(messages, list):
            texts = tuple(as_said(str(m)) for m in messages if str(m).strip())
            if texts:
                found[str(name)] = texts
    return found


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp from a vendor (a trailing Z allowed), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
