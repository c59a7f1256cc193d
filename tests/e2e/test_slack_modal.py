"""The update form against the real `incident-bot serve`: open, submit, deliver, report.

The submitted `view.state.values` are built from the blocks the bot actually sent to
`views.open`, as Slack builds them; the providers' fakes check each request as the vendor does.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.slack_flows import (
    CHECKLY_ACTION,
    MESSAGE_ACTION,
    PHARE_ACTION,
    PUBLISHED_AT_ACTION,
    STATE_ACTION,
    SlackSession,
    block_of,
    running_session,
)
from tests.fakes.fixtures import CHECKLY_ACCOUNT, CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.replies import Reply

PUBLISH_AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
PHARE_FIELD_ERRORS = {
    "content": ["The content must not mention customers by name."],
    "published_at": ["The published at must be a date after 2026-01-01."],
}
CHECKLY_FORBIDDEN = "Your API key does not have the write permission for incident updates."


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot process for every test of this module."""
    home: Path = tmp_path_factory.mktemp("modal")
    with running_session(home) as running:
        yield running


def test_submitted_form_reaches_both_providers_and_each_receipt_is_threaded(
    session: SlackSession,
) -> None:
    room = session.new_room()
    session.link(room)
    view = session.open_modal(room.channel)

    answer = session.submit(
        view,
        {
            STATE_ACTION: "monitoring",
            MESSAGE_ACTION: "Fix deployed, <watching> error rates & latency",
            PUBLISHED_AT_ACTION: int(PUBLISH_AT.timestamp()),
        },
    )

    assert answer.status_code == 200
    assert answer.content in (b"", b"{}")
    session.wait_published(room, phare=1, checkly=1)
    phare = session.stack.phare.requests_to("POST", f"/uptime/incidents/{room.phare_id}/updates")
    assert len(phare) == 1
    assert phare[0].headers["authorization"] == f"Bearer {PHARE_TOKEN}"
    assert phare[0].headers["content-type"] == "application/json"
    body = dict(phare[0].json)
    published_at = datetime.fromisoformat(body.pop("published_at"))
    assert published_at == PUBLISH_AT
    assert published_at.utcoffset() is not None
    assert body == {
        "state": "monitoring",
        "content": "Fix deployed, <watching> error rates & latency",
    }
    checkly = session.stack.checkly.requests_to("POST", f"/v1/incidents/{room.checkly_id}/updates")
    assert len(checkly) == 1
    assert checkly[0].headers["authorization"] == f"Bearer {CHECKLY_KEY}"
    assert checkly[0].headers["x-checkly-account"] == CHECKLY_ACCOUNT
    assert checkly[0].headers["content-type"] == "application/json"
    assert checkly[0].json == {
        "status": "MONITORING",
        "description": "Fix deployed, <watching> error rates & latency",
    }

    phare_update = session.stack.phare.applied(room.phare_id)[0]["id"]
    checkly_update = session.stack.checkly.applied(room.checkly_id)[0]["id"]
    phare_receipts = session.wait_receipts(room.channel, "Phare")
    checkly_receipts = session.wait_receipts(room.channel, "Checkly")
    assert len(phare_receipts) == 1
    assert len(checkly_receipts) == 1
    assert f"Phare accepted the update (update id {phare_update})." in phare_receipts[0]
    assert f"Checkly accepted the update (update id {checkly_update})." in checkly_receipts[0]


def test_vendor_refusals_are_shown_in_the_vendors_own_words(session: SlackSession) -> None:
    room = session.new_room()
    session.link(room)
    session.stack.phare.script(Reply.invalid(PHARE_FIELD_ERRORS))
    session.stack.checkly.script(Reply.forbidden(CHECKLY_FORBIDDEN))
    view = session.open_modal(room.channel)

    answer = session.submit(
        view, {STATE_ACTION: "identified", MESSAGE_ACTION: "Acme Corp checkout is failing"}
    )

    assert answer.status_code == 200
    phare = session.wait_receipts(room.channel, "Phare")
    checkly = session.wait_receipts(room.channel, "Checkly")
    assert len(phare) == 1
    assert "Phare refused the update (HTTP 422)" in phare[0]
    for field, texts in PHARE_FIELD_ERRORS.items():
        for text in texts:
            assert f"• `{field}`: {text}" in phare[0]
    assert "Not retried" in phare[0]
    assert len(checkly) == 1
    assert "Checkly refused the update (HTTP 403)" in checkly[0]
    assert CHECKLY_FORBIDDEN in checkly[0]
    # Refusals are final: each provider was asked once.
    assert len(session.phare_bodies(room)) == 1
    assert len(session.checkly_bodies(room)) == 1
    assert session.stack.phare.applied(room.phare_id) == []
    assert session.stack.checkly.applied(room.checkly_id) == []


@pytest.mark.parametrize(
    ("entries", "field", "error"),
    [
        pytest.param(
            {MESSAGE_ACTION: "  \n  "},
            MESSAGE_ACTION,
            "Write a message: it is empty.",
            id="blank-message",
        ),
        pytest.param(
            {STATE_ACTION: "maintenance", MESSAGE_ACTION: "DB upgrade"},
            STATE_ACTION,
            "Phare has no 'maintenance' state "
            "(it has: unknown, investigating, identified, monitoring, resolved).",
            id="maintenance-with-phare",
        ),
        pytest.param(
            {MESSAGE_ACTION: "Looking into it", PHARE_ACTION: "42a"},
            PHARE_ACTION,
            "Phare incident id '42a' is not a positive whole number.",
            id="malformed-phare-id",
        ),
        pytest.param(
            {MESSAGE_ACTION: "Looking into it", CHECKLY_ACTION: "0b9d5d2e-6f8e"},
            CHECKLY_ACTION,
            "Checkly incident id '0b9d5d2e-6f8e' is not a UUID.",
            id="malformed-checkly-id",
        ),
    ],
)
def test_bad_input_is_shown_under_its_field_and_nothing_is_sent(
    session: SlackSession, entries: dict[str, object], field: str, error: str
) -> None:
    room = session.new_room()
    session.link(room)
    view = session.open_modal(room.channel)
    before = session.provider_requests()

    answer = session.submit(view, entries)

    assert answer.status_code == 200
    assert answer.json() == {"response_action": "errors", "errors": {block_of(view, field): error}}
    assert session.provider_requests() == before
    assert session.slack.messages(room.channel) == []
    assert "*Last update:* none yet" in session.command(room.channel, "status")


def test_a_form_with_no_incident_is_refused_under_each_incident_field(
    session: SlackSession,
) -> None:
    room = session.new_room()
    view = session.open_modal(room.channel)
    before = session.provider_requests()

    answer = session.submit(view, {MESSAGE_ACTION: "Looking into it"})

    assert answer.status_code == 200
    assert answer.json() == {
        "response_action": "errors",
        "errors": {
            block_of(view, PHARE_ACTION): "Choose at least one incident to update.",
            block_of(view, CHECKLY_ACTION): "Choose at least one incident to update.",
        },
    }
    assert session.provider_requests() == before
    assert session.slack.messages(room.channel) == []
