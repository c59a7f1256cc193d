"""The update form while the channel's incident is still being opened: no stand-in id to
edit, each vendor shown as being opened, and a submission that goes to the incident being
opened (so it waits for it); a vendor already open stays editable."""

import json
from typing import Any

from slack_sdk.models.views import View

from bot.domain.models import Target
from bot.domain.operations import awaiting_opening
from bot.domain.records import Binding
from bot.domain.states import ProviderName, State
from bot.slack import ids
from bot.slack.form_seal import FormSeal
from bot.slack.modal import ModalInput, build_modal, build_view, parse_submission
from bot.slack.modal_input import read_form
from tests.slack.signing import view_submission_payload

SEAL = FormSeal("xoxb-test-modal-token")
BOTH: frozenset[ProviderName] = frozenset(ProviderName)
PHARE_OPENING = Target(ProviderName.PHARE, awaiting_opening(17))
PAGE_OPENING = Target(ProviderName.CHECKLY, awaiting_opening(18))
OPENING = Binding("C1", (PHARE_OPENING, PAGE_OPENING), current_state=State.INVESTIGATING)
BEING_OPENED = {
    "Phare: the incident is being opened. This update goes to it as soon as it is open.",
    "Checkly status page: the incident is being opened. This update goes to it as soon as "
    "it is open.",
}


def _texts(view: dict[str, Any]) -> list[str]:
    """Every plain or mrkdwn text of the view's context blocks."""
    return [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]


def _inputs(view: dict[str, Any]) -> set[str]:
    """The action ids of the view's inputs."""
    return {b["element"]["action_id"] for b in view["blocks"] if b["type"] == "input"}


def _submitted(view: dict[str, Any], **entries: Any) -> dict[str, Any]:
    """The view as Slack sends it back once the person entered these."""
    submitted: dict[str, Any] = view_submission_payload(view, entries)["view"]
    return submitted


def test_no_stand_in_id_is_shown_and_each_vendor_reads_as_being_opened() -> None:
    view = build_modal("C1", OPENING, BOTH, seal=SEAL)
    View(**view).validate_json()
    blocks = json.dumps(view["blocks"])
    assert "opening-" not in blocks
    assert ids.PHARE_ACTION not in _inputs(view)
    assert ids.CHECKLY_ACTION not in _inputs(view)
    assert set(_texts(view)) >= BEING_OPENED
    preview = [t for t in _texts(view) if "receives" in t]
    assert [line.split(" · ")[0] for line in preview] == [
        "Phare incident (being opened) receives `identified`",
        "Checkly status-page incident (being opened) receives `IDENTIFIED`",
    ]
    assert ids.NOTIFY_ACTION in _inputs(view)  # Checkly opens on its status page


def test_a_submission_goes_to_the_incidents_being_opened() -> None:
    view = build_modal("C1", OPENING, BOTH, seal=SEAL)
    entries = {ids.STATE_ACTION: "identified", ids.MESSAGE_ACTION: "Card payments fail"}
    parsed = parse_submission(_submitted(view, **entries), BOTH, SEAL)
    assert isinstance(parsed, ModalInput)
    assert parsed.targets == (PHARE_OPENING, PAGE_OPENING)
    assert (parsed.update.state, parsed.update.content) == (State.IDENTIFIED, "Card payments fail")
    assert parsed.update.notify_subscribers is False


def test_a_redraw_keeps_the_incidents_being_opened() -> None:
    view = build_modal("C1", OPENING, BOTH, seal=SEAL)
    form = read_form(_submitted(view, **{ids.STATE_ACTION: "monitoring"}), SEAL)
    assert form is not None
    redrawn = build_view(form, BOTH, SEAL)
    assert "opening-" not in json.dumps(redrawn["blocks"])
    assert set(_texts(redrawn)) >= BEING_OPENED
    parsed = parse_submission(_submitted(redrawn), BOTH, SEAL)
    assert isinstance(parsed, ModalInput)
    assert parsed.targets == (PHARE_OPENING, PAGE_OPENING)


def test_a_vendor_already_open_stays_editable_beside_one_being_opened() -> None:
    opened = Target(ProviderName.PHARE, "42")
    binding = Binding("C1", (opened, PAGE_OPENING), current_state=State.IDENTIFIED)
    view = build_modal("C1", binding, BOTH, seal=SEAL)
    phare = next(b for b in view["blocks"] if b.get("block_id") == ids.PHARE_BLOCK)
    assert phare["element"]["initial_value"] == "42"
    assert ids.CHECKLY_ACTION not in _inputs(view)
    parsed = parse_submission(_submitted(view, **{ids.PHARE_ACTION: ""}), BOTH, SEAL)
    assert isinstance(parsed, ModalInput)
    assert parsed.targets == (PAGE_OPENING,)


def test_a_stand_in_typed_by_hand_is_not_an_incident_id() -> None:
    view = build_modal("C1", None, BOTH, seal=SEAL)
    parsed = parse_submission(
        _submitted(view, **{ids.PHARE_ACTION: awaiting_opening(17)}), BOTH, SEAL
    )
    assert not isinstance(parsed, ModalInput)
    assert ids.PHARE_BLOCK in parsed.errors
