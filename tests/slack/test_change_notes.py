"""The thread's replies after an edit or a deletion, and which receipts offer buttons at all."""

import dataclasses

import pytest

from bot.domain.models import Accepted, DeliveryStatus, Refused, Retry, Update
from bot.domain.operations import Operation
from bot.domain.states import State
from bot.slack.receipt_changes import deletion_note, edit_note
from bot.slack.receipts import receipt
from tests.slack.test_messages import assert_valid, everything, shown
from tests.slack.thread_builders import CHECKLY, PHARE, report, stored

HOSTILE = "Fixed <!channel> *bold* & <@U0OTHER001> @here"


def test_an_edit_note_says_who_edited_which_vendor_update_and_what_it_says_now() -> None:
    note = edit_note(PHARE, "ph-9", Update(State.IDENTIFIED, "Cause found"), "U0EDITOR01")
    assert shown(note).startswith(
        ":pencil2: <@U0EDITOR01> edited the Phare update `ph-9` on Phare incident `42`: "
        "now :mag: *Identified*\n> Cause found"
    )
    assert note.text == "<@U0EDITOR01> edited the Phare update: identified — Cause found"
    assert_valid(note)


def test_a_deletion_note_says_who_deleted_which_vendor_update() -> None:
    note = deletion_note(CHECKLY, "u-1", "U0DELETER1")
    assert shown(note) == (
        f":wastebasket: <@U0DELETER1> deleted the Checkly update `u-1` from "
        f"Checkly incident `{CHECKLY.incident_id}`."
    )
    assert_valid(note)


def test_notes_never_ping_or_break_formatting() -> None:
    note = edit_note(PHARE, "`x`", Update(State.MONITORING, HOSTILE * 200), "<!channel>")
    gone = deletion_note(PHARE, "<!here>", "<!channel>")
    for message in (note, gone):
        text = everything(message)
        assert "<!channel>" not in text
        assert "<!here>" not in text
        assert "<@U0OTHER001>" not in text
        assert_valid(message)


@pytest.mark.parametrize("operation", [Operation.RECOVER, Operation.EDIT, Operation.DELETE])
@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (DeliveryStatus.ACCEPTED, Accepted("9")),
        (DeliveryStatus.REFUSED, Refused(403, "This action is unauthorized.")),
        (DeliveryStatus.FAILED, Retry("Phare answered 503")),
    ],
)
def test_only_receipts_of_published_updates_offer_buttons(
    operation: Operation, status: DeliveryStatus, outcome: Accepted | Refused | Retry
) -> None:
    published = report(stored(), PHARE, status, outcome)
    assert any(b["type"] == "actions" for b in receipt(published).blocks)
    other = dataclasses.replace(published, operation=operation)
    assert all(b["type"] != "actions" for b in receipt(other).blocks)
