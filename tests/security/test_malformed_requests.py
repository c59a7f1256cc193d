"""Correctly signed but malformed requests: a 4xx and one log line, never a 500 or a traceback.

Every body below is signed with the bot's own secret, so only its shape is wrong: a form sent
as JSON, a `payload` that is not JSON or not an object, fields missing or of the wrong type,
invalid percent-encoding. Each case checks the status, that no listener ran and nothing was
stored or sent, and that the log holds exactly one line about it, without a traceback.
"""

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.request_shape import COMMAND_UNREADABLE
from tests.security.runtime import CHANNEL, SECRET, Bot, running_bot
from tests.slack import signing


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot, its channel linked to Phare."""
    async with running_bot(tmp_path) as running:
        assert "now publishes to" in await running.reply("link phare:42")
        yield running


def command(**fields: str) -> str:
    """A slash command form publishing an update."""
    return signing.slash_command_body(text="monitoring Fix deployed", **fields)


def drop(body: str, name: str) -> str:
    """A form body without one field."""
    return "&".join(p for p in body.split("&") if not p.startswith(f"{name}="))


def interaction(payload: Any) -> str:
    """A form whose `payload` holds this JSON value (or this raw text, for a str)."""
    from urllib.parse import urlencode

    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return urlencode({"payload": raw})


def submission(**view: Any) -> dict[str, Any]:
    """A view_submission payload with the view's fields replaced."""
    opened = {"type": "modal", "callback_id": "incident_update_modal"}
    base = signing.view_submission_payload(opened, {})
    base["view"].update(view)
    return base


def without(payload: dict[str, Any], *path: str) -> dict[str, Any]:
    """The payload without the field at `path` (Bolt reads it without a check)."""
    copied: dict[str, Any] = json.loads(json.dumps(payload))
    *parents, last = path
    inner = copied
    for name in parents:
        inner = inner[name]
    del inner[last]
    return copied


def entered(key: str, value: Any) -> dict[str, Any]:
    """A view_submission whose one input holds `key: value` (a type Slack never sends there)."""
    element = {"type": "static_select", key: value}
    return submission(state={"values": {"state": {"state_select": element}}})


def actions(**fields: Any) -> dict[str, Any]:
    """A block_actions payload with fields replaced."""
    payload = signing.block_actions_payload([{"action_id": "retry_delivery", "value": "1"}])
    payload.update(fields)
    return payload


def replaced(found: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The mapping with fields replaced (None removes one)."""
    changed = {**found, **fields}
    return {key: value for key, value in changed.items() if value is not None}


def event(**fields: Any) -> str:
    """A reaction_added envelope with the event's fields replaced (None removes one)."""
    inner = signing.reaction_added_event(reaction="white_check_mark", ts="1800000000.000100")
    return signing.event_body(replaced(inner, fields))


def envelope(**fields: Any) -> str:
    """An event_callback envelope with top-level fields replaced (None removes one)."""
    return json.dumps(replaced(json.loads(event()), fields))


def nested(depth: int) -> str:
    """A JSON array inside itself `depth` times."""
    return "[" * depth + "]" * depth


FORM, JSON = signing.FORM, signing.JSON
DEEP_PAYLOAD = '{"type": "block_actions", "x": ' + nested(20_000) + "}"

# (case, Content-Type, body, status)
MALFORMED: list[tuple[str, str, str, int]] = [
    ("form-sent-as-json", JSON, command(), 400),
    ("json-sent-as-form", FORM, envelope(), 400),
    ("text-plain", "text/plain", command(), 415),
    ("no-content-type", "", command(), 415),
    ("empty-form", FORM, "", 400),
    ("empty-json", JSON, "", 400),
    ("payload-not-json", FORM, interaction("{not json"), 400),
    ("payload-json-array", FORM, interaction([1, 2]), 400),
    ("payload-json-string", FORM, interaction('"view_submission"'), 400),
    ("payload-json-number", FORM, interaction("42"), 400),
    ("payload-json-null", FORM, interaction("null"), 400),
    ("payload-without-type", FORM, interaction({"user": {"id": "U1"}}), 400),
    ("payload-type-not-string", FORM, interaction({"type": ["view_submission"]}), 400),
    ("submission-without-view", FORM, interaction({**submission(), "view": None}), 400),
    ("submission-view-is-array", FORM, interaction({**submission(), "view": []}), 400),
    ("submission-values-array", FORM, interaction(submission(state={"values": []})), 400),
    ("submission-metadata-number", FORM, interaction(submission(private_metadata=7)), 400),
    ("submission-view-without-type", FORM, interaction(without(submission(), "view", "type")), 400),
    ("actions-empty", FORM, interaction(actions(actions=[])), 400),
    ("actions-authorizations-numbers", FORM, interaction(actions(authorizations=[5])), 400),
    ("actions-enterprise-a-number", FORM, interaction(actions(enterprise=5)), 400),
    ("actions-enterprise-a-string", FORM, interaction(actions(enterprise="E1")), 400),
    ("envelope-authorizations-numbers", JSON, envelope(authorizations=[5]), 400),
    ("envelope-authorizations-a-string", JSON, envelope(authorizations="x"), 400),
    ("submission-option-a-number", FORM, interaction(entered("selected_option", 5)), 400),
    ("submission-option-a-string", FORM, interaction(entered("selected_option", "resolved")), 400),
    (
        "submission-option-value-list",
        FORM,
        interaction(entered("selected_option", {"value": []})),
        400,
    ),
    ("submission-value-a-number", FORM, interaction(entered("value", 42)), 400),
    ("submission-options-an-object", FORM, interaction(entered("selected_options", {})), 400),
    ("submission-time-a-string", FORM, interaction(entered("selected_date_time", "noon")), 400),
    ("submission-user-not-object", FORM, interaction({**submission(), "user": "U1"}), 400),
    ("actions-not-a-list", FORM, interaction(actions(actions={"action_id": "x"})), 400),
    ("action-id-number", FORM, interaction(actions(actions=[{"action_id": 5}])), 400),
    ("actions-user-id-number", FORM, interaction(actions(user={"id": 5})), 400),
    ("json-array", JSON, "[1, 2, 3]", 400),
    ("json-null", JSON, "null", 400),
    ("json-truncated", JSON, envelope()[:40], 400),
    ("json-unknown-type", JSON, json.dumps({"type": "surprise"}), 400),
    ("event-is-array", JSON, envelope(event=[]), 400),
    ("event-without-type", JSON, envelope(event={"user": "U1"}), 400),
    ("envelope-without-event-id", JSON, envelope(event_id=None), 400),
    ("envelope-team-id-number", JSON, envelope(team_id=1), 400),
    ("reaction-item-is-array", JSON, event(item=[]), 400),
    ("reaction-user-number", JSON, event(user=42), 400),
    ("reaction-without-reaction", JSON, event(reaction=None), 400),
    ("reaction-item-ts-number", JSON, event(item={"type": "message", "ts": 1.5}), 400),
    ("url-verification-no-challenge", JSON, json.dumps({"type": "url_verification"}), 400),
    ("command-without-user", FORM, drop(command(), "user_id"), 400),
    ("command-without-channel", FORM, drop(command(), "channel_id"), 400),
    ("form-neither-command-nor-payload", FORM, "a=1&b=2", 400),
    ("interaction-bad-percent", FORM, "payload=%7B%ZZ", 400),
    ("json-nested-past-the-stack", JSON, nested(100_000), 400),
    ("payload-nested-past-the-stack", FORM, interaction(DEEP_PAYLOAD), 400),
    ("event-nested-deeply", JSON, envelope()[:-1] + ', "x": ' + nested(200) + "}", 400),
]


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [c[1:] for c in MALFORMED],
    ids=[c[0] for c in MALFORMED],
)
async def test_a_signed_malformed_request_gets_a_4xx_and_one_log_line(
    bot: Bot, caplog: pytest.LogCaptureFixture, content_type: str, body: str, status: int
) -> None:
    caplog.set_level(logging.INFO)
    caplog.clear()
    request = signing.sign(SECRET, body, content_type=content_type)
    if not content_type:
        request = request.with_headers(Content_Type=None)
    answer_status, answer = await bot.post(request)
    assert answer_status == status
    assert "Traceback" not in answer
    assert json.loads(answer) == {"error": "invalid request"}
    refused = [r for r in caplog.records if r.name == "bot.web"]
    assert len(refused) == 1, [r.getMessage() for r in caplog.records]
    assert all(r.exc_info is None for r in caplog.records)
    assert "response_url" not in caplog.text
    status_now = await bot.app.core.repo.channel_status(CHANNEL)
    assert status_now.last_update is None
    assert bot.phare_creates() == []
    assert bot.slack.calls("chat.postMessage") == []
    assert bot.slack.ephemeral() == []


@pytest.mark.parametrize(
    "text_field",
    ["monitoring%20caf%FF", "monitoring%20100%25%20fine%ZZ", "monitoring%20%E2%82", "%"],
    ids=["not-utf8", "bad-escape", "cut-utf8", "lone-percent"],
)
async def test_a_command_with_invalid_percent_encoding_is_refused_plainly(
    bot: Bot, text_field: str
) -> None:
    body = command().replace("text=monitoring+Fix+deployed", f"text={text_field}")
    assert f"text={text_field}" in body
    status, answer = await bot.post(signing.sign(SECRET, body, content_type=FORM))
    assert status == 200
    assert json.loads(answer) == {"response_type": "ephemeral", "text": COMMAND_UNREADABLE}
    assert "\ufffd" not in answer
    assert (await bot.app.core.repo.channel_status(CHANNEL)).last_update is None
    assert bot.phare_creates() == []


async def test_a_command_whose_text_says_payload_is_still_a_command(bot: Bot) -> None:
    reply = await bot.reply("monitoring payload service recovered")
    assert reply.startswith("Stored update #1")
    await bot.until(lambda: bot.phare.applied(42))
    assert [u["content"] for u in bot.phare.applied(42)] == ["payload service recovered"]


async def test_an_event_no_listener_takes_is_acknowledged_in_one_line(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    removed = {"type": "reaction_removed", "user": signing.USER_ID, "reaction": "eyes"}
    status, _ = await bot.post(signing.event_callback(SECRET, removed))
    assert status == 200
    lines = [r.getMessage() for r in caplog.records if "reaction_removed" in r.getMessage()]
    assert len(lines) == 1
    assert "[Suggestion]" not in caplog.text
    assert all(r.exc_info is None for r in caplog.records)


async def test_a_submission_whose_response_urls_is_not_a_list_is_refused(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = interaction({**submission(), "response_urls": "x"})
    status, answer = await bot.post(signing.sign(SECRET, body, content_type=FORM))
    assert (status, json.loads(answer)) == (400, {"error": "invalid request"})
    assert all(r.exc_info is None for r in caplog.records)
    assert bot.phare_creates() == []
