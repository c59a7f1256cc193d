"""Thread messages: escaped, inside Slack's limits, and saying what each provider said."""

import json

import pytest
from slack_sdk.models.blocks import Block

from bot.domain.models import Accepted, DeliveryStatus, Refused, Retry, Source, Unclear
from bot.domain.states import State
from bot.slack.messages import (
    SlackMessage,
    nothing_published,
    receipt,
    skipped_reason,
    status_card,
    update_announcement,
)
from tests.slack.thread_builders import CHECKLY, PHARE, report, stored

PING = "<!channel> <!here> <@U0OTHER1> & done"


def everything(message: SlackMessage) -> str:
    """The fallback text and every block, as one string, to search for raw markup."""
    return message.text + json.dumps(message.blocks, ensure_ascii=False)


def assert_valid(message: SlackMessage) -> None:
    """Slack's own block models accept every block, and the text is present and short."""
    assert message.text.strip()
    assert len(message.text) <= 40_000
    assert len(message.blocks) <= 50
    for raw in message.blocks:
        block = Block.parse(raw)
        assert block is not None
        block.validate_json()
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000


def shown(message: SlackMessage) -> str:
    """The mrkdwn a reader sees in the blocks, joined."""
    parts = []
    for block in message.blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            text = element.get("text", "")
            parts.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(parts)


@pytest.mark.parametrize(
    "message",
    [
        status_card(stored(PING, author="<!channel>"), [PHARE]),
        update_announcement(stored(PING)),
        receipt(report(stored(), PHARE, DeliveryStatus.REFUSED, Refused(403, PING))),
        receipt(report(stored(), PHARE, DeliveryStatus.FAILED, Retry(PING), attempts=5)),
    ],
    ids=["card", "announcement", "refused", "failed"],
)
def test_user_and_vendor_text_never_pings(message: SlackMessage) -> None:
    text = everything(message)
    for raw in ("<!channel>", "<!here>", "<@U0OTHER1>"):
        assert raw not in text
    assert "&lt;!channel&gt;" in shown(message) + message.text
    assert_valid(message)


def test_long_content_is_cut_inside_slack_limits() -> None:
    content = "<" * 4000 + "tail"
    for message in (status_card(stored(content), [PHARE]), update_announcement(stored(content))):
        assert_valid(message)
        assert "tail" not in shown(message)
        assert "…" in shown(message)
        assert "&l…" not in shown(message)


def test_card_shows_state_content_targets_author_and_time() -> None:
    update = stored("DB failover", state=State.MONITORING, source=Source.REACTION)
    accepted = report(update, PHARE, DeliveryStatus.ACCEPTED, provider_update_id="9001")
    card = status_card(update, [PHARE, CHECKLY], [accepted])
    text = shown(card)
    assert ":hourglass_flowing_sand: *Monitoring*" in text
    assert "> DB failover" in text
    assert "<@U0AUTHOR01>" in text
    assert "with a reaction" in text
    assert "<!date^" in text
    assert "Phare incident `42`: :white_check_mark: accepted (update `9001`)" in text
    assert f"Checkly incident `{CHECKLY.incident_id}`: :outbox_tray: sending" in text
    assert card.text.startswith("Incident status: monitoring")
    assert_valid(card)


def test_an_author_that_is_not_a_slack_id_is_plain_text() -> None:
    card = status_card(stored(author="ops-cli <script>", source=Source.CLI), [PHARE])
    assert "ops-cli &lt;script&gt;" in shown(card)
    assert "from the command line" in shown(card)


def test_announcement_says_state_text_who_and_source() -> None:
    message = update_announcement(stored("Fix deployed", state=State.IDENTIFIED))
    text = shown(message)
    assert ":mag: *Identified*" in text
    assert "> Fix deployed" in text
    assert "<@U0AUTHOR01> from the update form" in text
    assert "Fix deployed" in message.text
    assert_valid(message)


def test_skipped_targets_say_which_and_why() -> None:
    update = stored(state=State.MAINTENANCE, targets=(CHECKLY,), skipped=(PHARE,))
    for message in (update_announcement(update), status_card(update, [PHARE, CHECKLY])):
        text = shown(message)
        assert "Skipped Phare incident `42`" in text
        assert "Phare has no 'maintenance' state" in text


def test_accepted_receipt_names_the_provider_update_id() -> None:
    message = receipt(report(stored(), PHARE, DeliveryStatus.ACCEPTED, Accepted("u-77")))
    assert "u-77" in shown(message)
    assert "Phare" in message.text
    assert_valid(message)


def test_422_field_errors_each_on_their_own_line() -> None:
    refusal = Refused(
        422,
        "The given data was invalid.",
        {
            "content": ("The content may not be greater than 10000 characters.",),
            "state": ("The selected state is invalid.", "The state must be a string."),
        },
    )
    text = shown(receipt(report(stored(), PHARE, DeliveryStatus.REFUSED, refusal)))
    lines = text.split("\n")
    assert "• `content`: The content may not be greater than 10000 characters." in lines
    assert "• `state`: The selected state is invalid." in lines
    assert "• `state`: The state must be a string." in lines
    assert "The given data was invalid." in text
    assert "Not retried" in text


def test_403_message_is_verbatim() -> None:
    words = "This API key does not have the permission incident:write on project 12"
    text = shown(receipt(report(stored(), PHARE, DeliveryStatus.REFUSED, Refused(403, words))))
    assert words in text
    assert "HTTP 403" in text


@pytest.mark.parametrize(
    ("status", "plain"),
    [(401, "did not accept the bot's credentials"), (404, "does not know this incident")],
)
def test_401_and_404_are_explained_plainly(status: int, plain: str) -> None:
    outcome = Refused(status, "Unauthorized" if status == 401 else "Not Found")
    text = shown(receipt(report(stored(), CHECKLY, DeliveryStatus.REFUSED, outcome)))
    assert plain in text
    assert "Checkly" in text


def test_retry_says_when_it_tries_again() -> None:
    outcome = Retry("Checkly answered 503 Service Unavailable", after_seconds=None, status=503)
    pending = report(stored(), CHECKLY, DeliveryStatus.PENDING, outcome, next_attempt_in=29.2)
    text = shown(receipt(pending))
    assert "503" in text
    assert "Retrying in 30 s" in text


def test_rate_limit_retry_and_unclear_timeout() -> None:
    limited = Retry("Phare is rate-limiting requests (HTTP 429)", after_seconds=45, status=429)
    text = shown(
        receipt(report(stored(), PHARE, DeliveryStatus.PENDING, limited, next_attempt_in=45))
    )
    assert "429" in text
    assert "Retrying in 45 s" in text
    timeout = Unclear("Phare did not answer within 10 s")
    text = shown(
        receipt(report(stored(), PHARE, DeliveryStatus.PENDING, timeout, next_attempt_in=5))
    )
    assert "did not answer within 10 s" in text
    assert "whether it arrived" in text


def test_failed_receipt_says_it_gave_up() -> None:
    outcome = Retry("Phare answered 502 Bad Gateway", status=502)
    text = shown(receipt(report(stored(), PHARE, DeliveryStatus.FAILED, outcome, attempts=6)))
    assert "502 Bad Gateway" in text
    assert "Gave up after 6 attempts" in text


def test_skipped_receipt_uses_the_reason_given() -> None:
    skipped = report(
        stored(state=State.UNKNOWN),
        CHECKLY,
        DeliveryStatus.SKIPPED,
        skipped_reason="Checkly has no 'unknown' state",
    )
    text = shown(receipt(skipped))
    assert "Skipped Checkly incident" in text
    assert "no 'unknown' state" in text


def test_nothing_published_says_why() -> None:
    reason = skipped_reason(PHARE, State.MAINTENANCE)
    message = nothing_published(State.MAINTENANCE, "U0AUTHOR01", [reason, "<!here>"])
    text = shown(message)
    assert "Nothing was published" in text
    assert "Phare has no 'maintenance' state" in text
    assert "&lt;!here&gt;" in text
    assert_valid(message)
