"""Edit and Delete on accepted receipts; the receipt after an edit or a deletion; refusals."""

from typing import Any

import pytest

from bot.domain.models import Accepted, DeliveryStatus, Refused, Target, Update
from bot.domain.operations import Operation
from bot.domain.records import DeliveryReport
from bot.domain.states import State
from bot.slack import ids
from bot.slack.blocks import SlackMessage
from bot.slack.receipt_changes import change_refused, deleted_receipt, edited_receipt, struck
from bot.slack.receipts import receipt
from tests.slack.test_messages import assert_valid, everything, shown
from tests.slack.thread_builders import CHECKLY, PHARE, report, stored

HOSTILE = "Fixed <!channel> *bold* & <@U0OTHER001> ~gone~"
PAGE_TARGET = Target(CHECKLY.provider, f"{CHECKLY.incident_id}/{CHECKLY.incident_id}")


def accepted(target: Target = PHARE, update_id: str = "9") -> DeliveryReport:
    return report(stored(), target, DeliveryStatus.ACCEPTED, Accepted(update_id))


def buttons(message: SlackMessage) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def test_an_accepted_receipt_offers_edit_and_delete_carrying_the_delivery_id_only() -> None:
    delivery = accepted()
    message = receipt(delivery)
    edit, delete = buttons(message)
    value = str(delivery.delivery_id)
    assert (edit["action_id"], edit["value"], edit["text"]["text"]) == (
        ids.DELIVERY_EDIT_ACTION,
        value,
        "Edit",
    )
    assert (delete["action_id"], delete["value"], delete["text"]["text"]) == (
        ids.DELIVERY_DELETE_ACTION,
        value,
        "Delete",
    )
    assert "confirm" not in edit
    assert_valid(message)


def test_delete_asks_for_confirmation_naming_the_vendor_and_the_target() -> None:
    [_, delete] = buttons(receipt(accepted(update_id="u-77")))
    confirm = delete["confirm"]
    assert confirm["title"]["text"] == "Delete this update?"
    assert confirm["text"] == {
        "type": "plain_text",
        "text": "Phare will delete update u-77 from Phare incident 42: it disappears from the "
        "public status page. This cannot be undone.",
    }
    assert (confirm["confirm"]["text"], confirm["deny"]["text"]) == ("Delete", "Cancel")
    assert confirm["style"] == "danger"


def test_the_confirmation_fits_slacks_limit_with_the_longest_target_and_id() -> None:
    message = receipt(accepted(PAGE_TARGET, update_id="x" * 500))
    [_, delete] = buttons(message)
    assert len(delete["confirm"]["text"]["text"]) <= 300
    assert "Checkly status-page incident" in delete["confirm"]["text"]["text"]
    assert_valid(message)


def test_an_edited_receipt_says_who_changed_it_to_what_and_keeps_its_buttons() -> None:
    delivery = accepted()
    message = edited_receipt(delivery, Update(State.MONITORING, HOSTILE), "U0EDITOR01")
    text = shown(message)
    assert "Phare accepted the update (update id 9)." in text
    assert ":pencil2: Edited by <@U0EDITOR01>: now :hourglass_flowing_sand: *Monitoring*" in text
    assert "> Fixed &lt;!channel&gt; *bold* &amp; &lt;@U0OTHER001&gt; ~gone~" in text
    assert "<!channel>" not in everything(message)
    assert "<@U0OTHER001>" not in everything(message)
    assert [b["action_id"] for b in buttons(message)] == [
        ids.DELIVERY_EDIT_ACTION,
        ids.DELIVERY_DELETE_ACTION,
    ]
    assert "edited by <@U0EDITOR01>: monitoring" in message.text
    assert_valid(message)


def test_an_edited_receipt_with_a_very_long_text_stays_within_slacks_limits() -> None:
    message = edited_receipt(accepted(), Update(State.MONITORING, "&" * 3000), "U0EDITOR01")
    assert_valid(message)
    assert "…" in shown(message)


def test_a_deleted_receipt_is_struck_through_says_who_and_has_no_buttons() -> None:
    delivery = report(
        stored("Database <!here> failover\n\nstill *slow*"),
        PHARE,
        DeliveryStatus.ACCEPTED,
        Accepted("9"),
    )
    message = deleted_receipt(delivery, "U0DELETER1")
    text = shown(message)
    assert ":white_check_mark: ~Phare accepted the update (update id 9).~" in text
    assert "~:eyes: *Investigating*~\n> ~Database &lt;!here&gt; failover~\n>\n> ~still *slow*~" in (
        text
    )
    assert ":wastebasket: Deleted at Phare by <@U0DELETER1>." in text
    assert buttons(message) == []
    assert message.text == "Phare update 9 on Phare incident `42` deleted by <@U0DELETER1>."
    assert_valid(message)


def test_a_deleted_receipt_shows_the_text_as_last_edited() -> None:
    message = deleted_receipt(accepted(), None, Update(State.IDENTIFIED, HOSTILE))
    text = shown(message)
    assert "~:mag: *Identified*~" in text
    assert "> ~Fixed &lt;!channel&gt; *bold* &amp; &lt;@U0OTHER001&gt; \u223cgone\u223c~" in text
    assert "by someone." in text
    assert_valid(message)


def test_strike_through_keeps_quotes_and_never_ends_early() -> None:
    assert struck("a ~b~ c") == "~a \u223cb\u223c c~"
    assert struck(">  indented \n>\n> x") == "> ~indented~\n>\n> ~x~"
    assert struck("") == ""


@pytest.mark.parametrize(
    ("operation", "after"),
    [
        (Operation.EDIT, "_Not retried: the update stands unchanged at Checkly._"),
        (Operation.DELETE, "_Not retried: the update is still published at Checkly._"),
    ],
)
def test_a_refused_edit_or_deletion_shows_the_vendors_words(
    operation: Operation, after: str
) -> None:
    refusal = Refused(400, "Cannot delete the last incident update <!channel> & co")
    message = change_refused(PAGE_TARGET, operation, refusal, "U0USER0001")
    text = shown(message)
    assert (
        f":x: The {operation.label} by <@U0USER0001> at Checkly status-page incident "
        f"`{PAGE_TARGET.incident_id}` was refused."
    ) in text
    assert (
        "Checkly refused the update (HTTP 400): Cannot delete the last incident update "
        "&lt;!channel&gt; &amp; co."
    ) in text
    assert text.endswith(after)
    assert "fix the update and send it again" not in text
    assert buttons(message) == []
    assert "<!channel>" not in everything(message)
    assert_valid(message)


def test_a_refused_edit_lists_field_errors_and_what_a_status_means() -> None:
    refusal = Refused(422, "The given data was invalid.", {"content": ("Too long.",)})
    text = shown(change_refused(PHARE, Operation.EDIT, refusal, "U0USER0001"))
    assert "• `content`: Too long." in text
    forbidden = Refused(403, "This action is unauthorized.")
    text = shown(change_refused(PHARE, Operation.DELETE, forbidden, "U0USER0001"))
    assert "The Phare API key lacks permission for this incident." in text
