"""The signing helper produces what Slack's own verifier accepts."""

import json
import time
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from tests.slack import signing

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def test_signed_command_is_accepted_by_slack_sdk_verifier() -> None:
    request = signing.slash_command(SECRET, text="status")
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(request.body, request.headers)
    assert parse_qs(request.body.decode())["text"] == ["status"]


def test_stale_or_tampered_requests_are_rejected_by_slack_sdk_verifier() -> None:
    verifier = SignatureVerifier(SECRET)
    stale = signing.slash_command(SECRET, text="status", timestamp=int(time.time()) - 301)
    assert not verifier.is_valid_request(stale.body, stale.headers)
    fresh = signing.slash_command(SECRET, text="status")
    assert not verifier.is_valid_request(fresh.body + b"x", fresh.headers)
    assert not verifier.is_valid_request(
        fresh.body, fresh.with_headers(X_Slack_Signature=None).headers
    )


def test_view_state_values_follow_the_blocks() -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}},
        {
            "type": "input",
            "block_id": "b1",
            "label": {"type": "plain_text", "text": "State"},
            "element": {
                "type": "static_select",
                "action_id": "a1",
                "options": [{"text": {"type": "plain_text", "text": "One"}, "value": "one"}],
            },
        },
        {
            "type": "input",
            "block_id": "b2",
            "label": {"type": "plain_text", "text": "Text"},
            "element": {"type": "plain_text_input", "action_id": "a2", "initial_value": "x"},
        },
    ]
    payload = signing.view_submission_payload({"type": "modal", "blocks": blocks}, {"a1": "one"})
    values = payload["view"]["state"]["values"]
    assert values["b1"]["a1"]["selected_option"]["value"] == "one"
    assert values["b2"]["a2"] == {"type": "plain_text_input", "value": "x"}
    body = signing.interaction_body(payload)
    assert json.loads(parse_qs(body)["payload"][0])["type"] == "view_submission"
