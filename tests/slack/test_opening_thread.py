"""The thread of an incident opened from Slack: its card and the opening and recovery receipts."""

import dataclasses

from bot.domain.models import Accepted, DeliveryStatus, Outcome, Refused, Retry, Source, Target
from bot.domain.open_at import opening_submission
from bot.domain.operations import Opening, Operation, awaiting_opening
from bot.domain.records import Binding, ChannelStatus, DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName, State
from bot.slack.opening_thread import opening_announcement, opening_card, operation_receipt
from bot.slack.receipts import target_label
from bot.slack.replies import linked, status_text
from tests.slack.test_messages import assert_valid, everything, shown
from tests.slack.thread_builders import AUTHOR, CHANNEL, CREATED, PHARE, report, stored

PAGE = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
AT_PHARE = Target(ProviderName.PHARE, "")
AT_CHECKLY = Target(ProviderName.CHECKLY, PAGE)
PING = "<!channel> down & <b>out</b>"


def opened(title: str = "Checkout is failing", message: str | None = None) -> StoredUpdate:
    """An opening at Phare and the Checkly status page, stored as update #7."""
    submission = opening_submission(
        Opening(title, message=message),
        (AT_PHARE, AT_CHECKLY),
        Source.INLINE,
        AUTHOR,
        channel_id=CHANNEL,
    )
    return StoredUpdate(7, submission, CREATED)


def of(
    update: StoredUpdate,
    where: Target,
    status: DeliveryStatus,
    outcome: Outcome | None = None,
    operation: Operation = Operation.OPEN,
    **changes: object,
) -> DeliveryReport:
    """A report of one delivery of the update, by its operation."""
    made = report(update, where, status, outcome, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(made, operation=operation)


def test_the_new_card_says_what_is_opening_where_and_by_whom() -> None:
    card = opening_card(opened(message="Payments time out"))
    text = shown(card)
    assert "Opening *Checkout is failing* at Phare and Checkly — by <@U0AUTHOR01>" in text
    assert ":eyes: *Investigating*" in text
    assert "> Payments time out" in text
    assert "• Phare: :outbox_tray: opening" in text
    assert f"• Checkly status page `{PAGE}`: :outbox_tray: opening" in text
    assert card.text == "Opening *Checkout is failing* at Phare and Checkly — by <@U0AUTHOR01>"
    assert_valid(card)


def test_the_card_shows_each_incident_once_opened_and_a_vendor_that_refused() -> None:
    update = opened()
    reports = [
        of(update, AT_PHARE, DeliveryStatus.ACCEPTED, Accepted("42"), provider_update_id="42"),
        of(update, AT_CHECKLY, DeliveryStatus.REFUSED, Refused(403, "Forbidden")),
    ]
    text = shown(opening_card(update, reports))
    assert "Opened *Checkout is failing*" in text
    assert "• Phare incident `42`: :white_check_mark: opened" in text
    assert f"• Checkly status page `{PAGE}`: :x: not opened (see thread)" in text


def test_the_card_says_opening_while_a_vendor_retries() -> None:
    update = opened()
    reports = [
        of(update, AT_PHARE, DeliveryStatus.ACCEPTED, Accepted("42"), provider_update_id="42"),
        of(update, AT_CHECKLY, DeliveryStatus.PENDING, Retry("HTTP 503")),
    ]
    text = shown(opening_card(update, reports))
    assert "Opening *Checkout is failing*" in text
    assert f"• Checkly status page `{PAGE}`: :repeat: retrying" in text


def test_titles_and_vendor_words_never_ping() -> None:
    update = opened(PING, PING)
    refused = of(update, AT_PHARE, DeliveryStatus.REFUSED, Refused(422, PING, {"title": (PING,)}))
    for message in (opening_card(update), opening_announcement(update), operation_receipt(refused)):
        text = everything(message)
        assert "<!channel>" not in text
        assert "<b>" not in text
        assert "&lt;!channel&gt;" in text
        assert_valid(message)


def test_an_accepted_opening_names_the_incident_as_a_target() -> None:
    update = opened()
    phare = of(update, AT_PHARE, DeliveryStatus.ACCEPTED, Accepted("42"), provider_update_id="42")
    incident = f"{PAGE}/5d0f5d8e-3b7c-4f0e-8c1a-2b3c4d5e6f70"
    checkly = of(
        update, AT_CHECKLY, DeliveryStatus.ACCEPTED, Accepted(incident), provider_update_id=incident
    )
    assert shown(operation_receipt(phare)).startswith(
        ":white_check_mark: Opened at Phare: `phare:42`"
    )
    assert f"Opened at Checkly: `checkly:{incident}`" in shown(operation_receipt(checkly))
    assert "http" not in everything(operation_receipt(phare))  # no vendor answer has a link


def test_a_refused_opening_shows_the_vendors_words_field_by_field() -> None:
    refusal = Refused(
        422, "The given data was invalid.", {"title": ("The title may not be greater than 250.",)}
    )
    message = operation_receipt(of(opened(), AT_PHARE, DeliveryStatus.REFUSED, refusal))
    text = shown(message)
    assert ":x: Phare refused to open the incident (HTTP 422): The given data was invalid." in text
    assert "• `title`: The title may not be greater than 250." in text
    assert "_Not retried. Nothing was opened at Phare._" in text
    assert "actions" not in [b["type"] for b in message.blocks]  # no Retry / Edit & resend


def test_a_forbidden_opening_says_what_403_means() -> None:
    forbidden = Refused(403, "The platform:write permission is required to perform this action.")
    text = shown(operation_receipt(of(opened(), AT_CHECKLY, DeliveryStatus.REFUSED, forbidden)))
    assert "Checkly refused to open the incident (HTTP 403): The platform:write permission" in text
    assert "The Checkly API key lacks the permission this needs." in text


def test_an_opening_retried_or_given_up_says_so() -> None:
    update = opened()
    retrying = of(update, AT_PHARE, DeliveryStatus.PENDING, Retry("HTTP 503"), next_attempt_in=9.2)
    failed = of(update, AT_PHARE, DeliveryStatus.FAILED, Retry("HTTP 503"), attempts=5)
    assert ":repeat: Opening at Phare: HTTP 503. Retrying in 10 s." in shown(
        operation_receipt(retrying)
    )
    assert "Gave up after 5 attempts. Nothing was opened at Phare." in shown(
        operation_receipt(failed)
    )


def test_a_recovery_after_a_resolve_is_reported() -> None:
    update = stored("All clear", state=State.RESOLVED)
    done = of(update, PHARE, DeliveryStatus.ACCEPTED, Accepted("42"), Operation.RECOVER)
    assert shown(operation_receipt(done)).startswith(
        ":white_check_mark: Recovered the Phare incident `42`."
    )
    refused = of(
        update, PHARE, DeliveryStatus.REFUSED, Refused(403, "Forbidden."), Operation.RECOVER
    )
    text = shown(operation_receipt(refused))
    assert text.startswith(":warning: Phare refused to recover the incident (HTTP 403): Forbidden.")
    assert "the incident may still be open at Phare" in text
    reason = "not done: the resolved update was not accepted at Phare"
    skipped = of(
        update, PHARE, DeliveryStatus.SKIPPED, None, Operation.RECOVER, skipped_reason=reason
    )
    assert f"The Phare incident `42` was not recovered ({reason})." in shown(
        operation_receipt(skipped)
    )


def test_a_target_being_opened_is_named_so() -> None:
    stand_in = Target(ProviderName.PHARE, awaiting_opening(12))
    assert target_label(stand_in) == "Phare incident (being opened)"
    binding = Binding(CHANNEL, (stand_in, Target(ProviderName.CHECKLY, awaiting_opening(13))))
    assert linked(binding) == (
        "This channel now publishes to Phare incident (being opened), "
        "Checkly status-page incident (being opened)."
    )


def test_status_names_where_an_incident_was_opened() -> None:
    update = opened()
    phare = of(update, AT_PHARE, DeliveryStatus.ACCEPTED, Accepted("42"), provider_update_id="42")
    checkly = of(update, AT_CHECKLY, DeliveryStatus.PENDING)
    binding = Binding(CHANNEL, (Target(ProviderName.PHARE, "42"),), "1.1", State.INVESTIGATING)
    text = status_text(ChannelStatus(binding, update, CREATED, (phare, checkly)))
    assert "• Opening at Phare (update #7): opened `phare:42`" in text
    assert f"• Opening at Checkly status page {PAGE} (update #7): waiting to be sent" in text
