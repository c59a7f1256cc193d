"""What a verified request to `/slack/events` must look like before Bolt reads it.

The body is parsed here once, strictly: a form (`application/x-www-form-urlencoded`) holding a
slash command or an interaction `payload`, or a JSON object (`application/json`) holding an
Events API envelope. Each kind must carry the fields the listeners read, with the right types.
What passes is handed to Bolt re-encoded as one JSON object, so Bolt reads exactly what was
checked; what does not gets a 4xx and one log line (the reason only, never the body).
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError

from bot.slack.slack_shapes import (
    EVENTS,
    INTERACTIONS,
    Command,
    EventCallback,
    Shape,
    UrlVerification,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Slack's deepest body (a view's rich text in a submission) nests far less than this; deeper
# JSON is refused before anything (Bolt, the listeners) walks it recursively.
MAX_JSON_DEPTH = 64
# A `%` not followed by two hex digits: Slack never sends one.
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

COMMAND_UNREADABLE = (
    "The command could not be read: its text is not valid percent-encoded UTF-8. "
    "Nothing was published; type it again."
)


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the status, the reason logged, the body answered."""

    status: int
    reason: str
    body: dict[str, Any] = field(default_factory=lambda: {"error": "invalid request"})


def read_body(content_type: str, text: str) -> dict[str, Any] | Refusal:
    """The checked body as one JSON object for Bolt, or why it is refused."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == FORM:
        return _read_form(text)
    if media == JSON:
        return _read_events(text)
    return Refusal(415, f"unsupported Content-Type {media[:60]!r}")


def _read_form(text: str) -> dict[str, Any] | Refusal:
    """A slash command, or an interaction's `payload` field."""
    try:
        if _BAD_PERCENT.search(text):
            raise ValueError("a % not followed by two hex digits")
        fields = dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        return _unreadable_form(text)
    if "payload" in fields:
        return _read_interaction(fields["payload"])
    if "command" in fields:
        return _checked(Command, fields, "slash command")
    if fields.get("ssl_check") == "1":
        return fields
    return Refusal(400, "a form that is neither a command nor an interaction")


def _unreadable_form(text: str) -> Refusal:
    """Invalid percent-encoding: a command is told so (Slack shows the text), anything else 400."""
    if "command=" in text and "payload=" not in text:
        answer = {"response_type": "ephemeral", "text": COMMAND_UNREADABLE}
        return Refusal(200, "a command with invalid percent-encoding", answer)
    return Refusal(400, "a form with invalid percent-encoding")


def _read_interaction(payload: str) -> dict[str, Any] | Refusal:
    """`payload=` must hold a JSON object of a known type with its fields."""
    found = _json_object(payload, "payload")
    if isinstance(found, Refusal):
        return found
    kind = found.get("type")
    shape = INTERACTIONS.get(kind) if isinstance(kind, str) else None
    if shape is None:
        return found if isinstance(kind, str) else Refusal(400, "an interaction without a type")
    return _checked(shape, found, str(kind))


def _read_events(text: str) -> dict[str, Any] | Refusal:
    """An Events API envelope: url_verification, or an event_callback with its event."""
    found = _json_object(text, "body")
    if isinstance(found, Refusal):
        return found
    kind = found.get("type")
    if kind == "url_verification":
        return _checked(UrlVerification, found, "url_verification")
    if kind != "event_callback":
        return Refusal(400, "a JSON body that is not an Events API envelope")
    checked = _checked(EventCallback, found, "event_callback")
    if isinstance(checked, Refusal):
        return checked
    event = checked["event"]
    shape = EVENTS.get(event["type"])
    if shape is None:
        return checked
    inner = _checked(shape, event, event["type"])
    return inner if isinstance(inner, Refusal) else checked


def _json_object(text: str, what: str) -> dict[str, Any] | Refusal:
    """A JSON object, or a refusal saying what it was instead."""
    try:
        found = json.loads(text)
    except ValueError:
        return Refusal(400, f"{what} is not JSON")
    except RecursionError:
        return Refusal(400, f"{what} is JSON nested past the parser's stack")
    if _depth(found) > MAX_JSON_DEPTH:
        return Refusal(400, f"{what} is JSON nested more than {MAX_JSON_DEPTH} deep")
    if not isinstance(found, dict):
        return Refusal(400, f"{what} is JSON but not an object ({type(found).__name__})")
    return found


def _depth(value: Any) -> int:
    """How deep objects and arrays nest in a parsed JSON value (without recursion)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        found, level = pending.pop()
        children = list(found.values()) if isinstance(found, dict) else found
        if isinstance(children, list):
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in children)
    return deepest


def _checked(shape: type[Shape], body: dict[str, Any], kind: str) -> dict[str, Any] | Refusal:
    """The body when it has the shape; else the first problem, by field path (no values)."""
    try:
        shape.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or kind
        more = error.error_count() - 1
        extra = f" (and {more} more)" if more else ""
        return Refusal(400, f"malformed {kind}: {where}: {first['msg']}{extra}")
    return body
