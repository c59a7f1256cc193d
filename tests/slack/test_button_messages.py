"""The buttons the thread carries: on refused and failed receipts, and on reminders."""

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block

from bot.domain.models import DeliveryStatus, Refused, Retry
from bot.domain.states import State
from bot.slack.blocks import SlackMessage
from bot.slack.nudges import nudge, reminders_off, snoozed
from bot.slack.receipts import receipt
from tests.slack.thread_builders import PHARE, report, stored


def action_ids(message: SlackMessage) -> list[tuple[str, str]]:
    """(action_id, value) of every button."""
    return [
        (e["action_id"], e["value"])
        for b in message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def assert_valid(message: SlackMessage) -> None:
    """Slack's own models accept every block."""
    for raw in message.blocks:
        parsed = Block.parse(raw)
        assert parsed is not None
        parsed.validate_json()


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(DeliveryStatus.REFUSED, Refused(422, "bad")), (DeliveryStatus.FAILED, Retry("down"))],
)
def test_refused_and_failed_receipts_offer_retry_and_edit(
    status: DeliveryStatus, outcome: Refused | Retry
) -> None:
    message = receipt(report(stored(), PHARE, status, outcome))
    delivery_id = str(report(stored(), PHARE, status, outcome).delivery_id)
    assert action_ids(message) == [
        ("delivery_retry", delivery_id),
        ("delivery_edit_resend", delivery_id),
    ]
    assert_valid(message)


def test_pending_and_skipped_receipts_have_no_buttons() -> None:
    retrying = report(stored(), PHARE, DeliveryStatus.PENDING, Retry("429"), next_attempt_in=5)
    skipped = report(stored(), PHARE, DeliveryStatus.SKIPPED, skipped_reason="no such state")
    assert action_ids(receipt(retrying)) == []
    assert action_ids(receipt(skipped)) == []


def test_a_used_receipt_says_so_instead_of_offering_buttons() -> None:
    refused = report(stored(), PHARE, DeliveryStatus.REFUSED, Refused(422, "bad"))
    message = receipt(refused, follow_up=":repeat: Resent by <@U1> as update #2.")
    assert action_ids(message) == []
    assert message.blocks[-1]["elements"][0]["text"] == ":repeat: Resent by <@U1> as update #2."


def test_a_reminder_says_how_long_and_offers_post_and_snooze() -> None:
    message = nudge("C1", State.MONITORING, timedelta(minutes=31))
    assert action_ids(message) == [("reminder_post_update", "C1"), ("reminder_snooze", "C1")]
    assert "No update for 31 minutes" in message.blocks[0]["text"]["text"]
    assert ":hourglass_flowing_sand: *Monitoring*" in message.blocks[0]["text"]["text"]
    assert_valid(message)


def test_answered_reminders_have_no_buttons() -> None:
    until = datetime(2026, 1, 1, 12, 30, tzinfo=UTC)
    for message in (snoozed("U0USER0001", until), reminders_off()):
        assert action_ids(message) == []
        assert_valid(message)
    assert "snoozed by <@U0USER0001> until <!date^" in snoozed("U0USER0001", until).text
