"""Build Slack request bodies (commands, interactions, events) and sign them as Slack does."""

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

TEAM_ID = "T0TEAM0001"
APP_ID = "A0APP00001"
USER_ID = "U0USER0001"
CHANNEL_ID = "C0CHAN0001"

_counter = itertools.count(1)


def _next(prefix: str) -> str:
    """A fresh id with Slack's look, unique within the test run."""
    return f"{prefix}{next(_counter):010d}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's signature: `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{body}`)."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    """A request body and the headers Slack would send with it."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def with_headers(self, **changes: str | None) -> "SignedRequest":
        """A copy with headers replaced (`None` removes one); names use `_` for `-`."""
        headers = dict(self.headers)
        for key, value in changes.items():
            name = key.replace("_", "-")
            headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
            if value is not None:
                headers[name] = value
        return SignedRequest(self.body, headers)

    def with_body(self, body: bytes) -> "SignedRequest":
        """The same headers (signature now stale) over another body: a tampered request."""
        return SignedRequest(body, dict(self.headers))


def sign(
    secret: str,
    body: bytes | str,
    *,
    content_type: str,
    timestamp: int | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> SignedRequest:
    """Sign a raw body; `timestamp` defaults to now (pass an old one to make it stale)."""
    raw = body.encode() if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, ts, raw),
        **(extra_headers or {}),
    }
    return SignedRequest(raw, headers)


def slash_command_body(
    *,
    text: str = "",
    command: str = "/incident-update",
    user_id: str = USER_ID,
    channel_id: str = CHANNEL_ID,
    trigger_id: str | None = None,
    response_url: str = "https://hooks.slack.com/commands/T0TEAM0001/1/secret",
) -> str:
    """A slash command as Slack posts it: a URL-encoded form."""
    fields = {
        "token": "verification-token-unused",
        "team_id": TEAM_ID,
        "team_domain": "example",
        "channel_id": channel_id,
        "channel_name": "incident",
        "user_id": user_id,
        "user_name": "responder",
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or _next("1000.2000."),
    }
    return urlencode(fields)


def slash_command(secret: str, *, timestamp: int | None = None, **fields: Any) -> SignedRequest:
    """A signed slash command; keyword fields as in `slash_command_body`."""
    return sign(secret, slash_command_body(**fields), content_type=FORM, timestamp=timestamp)


def interaction_body(payload: Mapping[str, Any]) -> str:
    """An interaction as Slack posts it: the form field `payload` holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def _user(user_id: str) -> dict[str, Any]:
    """The `user` object of interaction payloads."""
    return {"id": user_id, "username": "responder", "name": "responder", "team_id": TEAM_ID}


_ELEMENT_VALUE_KEYS = {
    "plain_text_input": "value",
    "static_select": "selected_option",
    "checkboxes": "selected_options",
    "multi_static_select": "selected_options",
    "datetimepicker": "selected_date_time",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "number_input": "value",
    "url_text_input": "value",
    "email_text_input": "value",
}


def view_state_values(
    blocks: Sequence[Mapping[str, Any]], entries: Mapping[str, Any]
) -> dict[str, dict[str, dict[str, Any]]]:
    """`view.state.values` as Slack builds it from the blocks sent and what the user entered.

    `entries` maps an action_id to the entered value: text for text inputs, an option
    value for a static_select (looked up in the element's options), a list of option values
    for checkboxes and multi-selects, epoch seconds for a datetimepicker. Elements absent
    from `entries` keep their initial value, as in Slack.
    """
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in blocks:
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        action_id = element["action_id"]
        entered = entries[action_id] if action_id in entries else _initial(element)
        if kind == "static_select" and isinstance(entered, str):
            entered = _option(element, entered)
        if kind in ("checkboxes", "multi_static_select") and action_id in entries:
            entered = [_option(element, value) for value in entered]
        key = _ELEMENT_VALUE_KEYS.get(kind, "value")
        values.setdefault(block["block_id"], {})[action_id] = {"type": kind, key: entered}
    return values


def _initial(element: Mapping[str, Any]) -> Any:
    """What an element holds before the user touches it."""
    for key in ("initial_value", "initial_option", "initial_date_time", "initial_date"):
        if key in element:
            return element[key]
    if element.get("type") in ("checkboxes", "multi_static_select"):
        return list(element.get("initial_options", ()))
    return None


def _option(element: Mapping[str, Any], value: str) -> dict[str, Any]:
    """The option of a select whose value is given (as Slack echoes it back)."""
    for option in element.get("options", ()):
        if option["value"] == value:
            return dict(option)
    raise KeyError(f"no option {value!r} in {element['action_id']}")


def view_submission_payload(
    view: Mapping[str, Any],
    entries: Mapping[str, Any],
    *,
    user_id: str = USER_ID,
    view_id: str | None = None,
) -> dict[str, Any]:
    """The payload Slack sends when the user submits `view` (as opened) with `entries`."""
    submitted = {
        "id": view_id or _next("V"),
        "team_id": TEAM_ID,
        "app_id": APP_ID,
        "bot_id": "B0BOT00001",
        "root_view_id": view_id or _next("V"),
        "previous_view_id": None,
        "hash": _next("1700000000.") + "abcd",
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        **view,
    }
    submitted["state"] = {"values": view_state_values(view.get("blocks", ()), entries)}
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "example"},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": _next("1000.3000."),
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_actions_payload(
    actions: Sequence[Mapping[str, Any]],
    *,
    user_id: str = USER_ID,
    channel_id: str = CHANNEL_ID,
    message_ts: str = "1700000000.000100",
) -> dict[str, Any]:
    """The payload Slack sends when buttons or menus in a message are used."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "example"},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id},
        "trigger_id": _next("1000.4000."),
        "channel": {"id": channel_id, "name": "incident"},
        "message": {"type": "message", "ts": message_ts, "text": ""},
        "response_url": "https://hooks.slack.com/actions/T0TEAM0001/2/secret",
        "actions": [{"action_ts": "1700000001.000200", **a} for a in actions],
    }


def receipt_button(action_id: str, value: str, text: str) -> dict[str, Any]:
    """A click on one of a receipt's buttons, as block_actions carries it."""
    return {
        "type": "button",
        "block_id": "receipt",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": text},
    }


def interaction(
    secret: str, payload: Mapping[str, Any], *, timestamp: int | None = None
) -> SignedRequest:
    """A signed interaction (view_submission, block_actions, ...)."""
    return sign(secret, interaction_body(payload), content_type=FORM, timestamp=timestamp)


def event_body(
    event: Mapping[str, Any], *, event_id: str | None = None, event_time: int | None = None
) -> str:
    """An Events API `event_callback` envelope as JSON."""
    envelope = {
        "token": "verification-token-unused",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or _next("Ev"),
        "event_time": event_time or int(time.time()),
        "authorizations": [
            {"team_id": TEAM_ID, "user_id": "U0BOT00001", "is_bot": True, "enterprise_id": None}
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6InJlYWN0aW9uX2FkZGVkIn0",
    }
    return json.dumps(envelope)


def event_callback(
    secret: str,
    event: Mapping[str, Any],
    *,
    event_id: str | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
    timestamp: int | None = None,
) -> SignedRequest:
    """A signed Events API delivery; `retry_num` adds Slack's retry headers."""
    extra = {}
    if retry_num is not None:
        extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
    body = event_body(event, event_id=event_id)
    return sign(secret, body, content_type=JSON, timestamp=timestamp, extra_headers=extra)


def reaction_added_event(
    *,
    reaction: str,
    channel_id: str = CHANNEL_ID,
    ts: str = "1700000000.000100",
    user_id: str = USER_ID,
    item_user: str | None = "U0OTHER001",
) -> dict[str, Any]:
    """A `reaction_added` event (`item_user` absent for webhook-authored messages)."""
    event: dict[str, Any] = {
        "type": "reaction_added",
        "user": user_id,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel_id, "ts": ts},
        "event_ts": f"1700000100.{next(_counter):06d}",
    }
    if item_user is not None:
        event["item_user"] = item_user
    return event
