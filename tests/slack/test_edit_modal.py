"""The form that edits one published update: pre-filled, one target, read back (pure)."""

from collections.abc import Mapping
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.domain.models import Target, Update
from bot.domain.states import ProviderName, State
from bot.slack import ids
from bot.slack.edit_modal import EditForm, edit_view, read_edit_submission
from bot.slack.form_seal import UNVERIFIED, FormSeal
from tests.slack.signing import view_submission_payload

SEAL = FormSeal("xoxb-test-edit-token")
UUID = "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d"
PHARE = Target(ProviderName.PHARE, "42")
DASHBOARD = Target(ProviderName.CHECKLY, UUID)
PAGE = Target(ProviderName.CHECKLY, f"{UUID}/{UUID}")
HOSTILE = "Fixed <!channel> *bold* & <@U0OTHER001>"


def view_for(
    target: Target = PHARE, state: State = State.MONITORING, content: str = HOSTILE
) -> dict[str, Any]:
    return edit_view(
        target=target,
        state=state,
        content=content,
        delivery_id=31,
        seal=SEAL,
        provider_update_id="u-9",
    )


def block(view: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def offered(view: Mapping[str, Any]) -> list[str]:
    return [o["value"] for o in block(view, ids.STATE_BLOCK)["element"]["options"]]


def submit(view: Mapping[str, Any], entries: Mapping[str, Any]) -> EditForm | Mapping[str, str]:
    payload = view_submission_payload(view, entries)
    return read_edit_submission(payload["view"], seal=SEAL)


def test_view_is_valid_for_slack_and_prefilled_with_the_update() -> None:
    view = view_for()
    View(**view).validate_json()
    assert view["callback_id"] == ids.EDIT_CALLBACK_ID
    assert (view["title"]["text"], view["submit"]["text"]) == ("Edit update", "Save")
    assert SEAL.open(view["private_metadata"]) == {
        "kind": "edit",
        "delivery_id": 31,
        "target": "phare:42",
    }
    state = block(view, ids.STATE_BLOCK)
    assert state["element"]["initial_option"]["value"] == "monitoring"
    assert not state.get("dispatch_action")
    message = block(view, ids.MESSAGE_BLOCK)["element"]
    assert message["initial_value"] == HOSTILE
    assert (message["multiline"], message["max_length"]) == (True, 3000)
    about = view["blocks"][0]["elements"][0]["text"]
    assert about.startswith("Changes update `u-9` at Phare incident `42` in place.")


def test_no_incident_field_publish_time_or_preview_to_change() -> None:
    present = {b.get("block_id") for b in view_for(PAGE)["blocks"]}
    absent = {
        ids.PHARE_BLOCK,
        ids.CHECKLY_BLOCK,
        ids.PUBLISHED_AT_BLOCK,
        ids.PREVIEW_BLOCK,
        ids.NOTIFY_BLOCK,
    }
    assert not present & absent


@pytest.mark.parametrize(
    ("target", "states"),
    [
        (PHARE, ["unknown", "investigating", "identified", "monitoring", "resolved"]),
        (DASHBOARD, ["investigating", "identified", "monitoring", "resolved", "maintenance"]),
        (PAGE, ["investigating", "identified", "monitoring", "resolved"]),
    ],
)
def test_only_the_states_the_target_takes_are_offered(target: Target, states: list[str]) -> None:
    assert offered(view_for(target)) == states


def test_a_state_the_target_lacks_is_not_preselected() -> None:
    view = view_for(PAGE, State.MAINTENANCE)
    View(**view).validate_json()
    assert "initial_option" not in block(view, ids.STATE_BLOCK)["element"]
    assert submit(view, {}) == {ids.STATE_BLOCK: "Choose a state."}


def test_an_update_longer_than_a_form_field_says_saving_cuts_it() -> None:
    view = view_for(content="x" * 4000)
    View(**view).validate_json()
    assert len(block(view, ids.MESSAGE_BLOCK)["element"]["initial_value"]) == 3000
    warning = view["blocks"][-1]["elements"][0]["text"]
    assert "This update has 4,000 characters; a Slack form holds 3,000." in warning


def test_a_submission_reads_back_the_new_state_and_text_as_typed() -> None:
    parsed = submit(
        view_for(), {ids.STATE_ACTION: "resolved", ids.MESSAGE_ACTION: "All good & <!here>"}
    )
    assert parsed == EditForm(Update(State.RESOLVED, "All good & <!here>"), 31)


def test_an_unchanged_submission_is_read_back_too() -> None:
    assert submit(view_for(), {}) == EditForm(Update(State.MONITORING, HOSTILE), 31)


def test_empty_text_is_shown_under_the_message() -> None:
    parsed = submit(view_for(), {ids.MESSAGE_ACTION: "  "})
    assert parsed == {ids.MESSAGE_BLOCK: "Write a message: it is empty."}


def test_text_too_long_for_phare_is_shown_under_the_message() -> None:
    # Slack's field stops at 3,000 characters; past Phare's limit is refused all the same.
    parsed = submit(view_for(), {ids.MESSAGE_ACTION: "a" * 10_001})
    assert parsed == {
        ids.MESSAGE_BLOCK: "Phare takes at most 10,000 characters; this message has 10,001."
    }


def test_a_state_the_target_lacks_is_refused_under_the_state() -> None:
    view = view_for()
    state = block(view, ids.STATE_BLOCK)["element"]
    state["options"].append({"text": {"type": "plain_text", "text": "M"}, "value": "maintenance"})
    parsed = submit(view, {ids.STATE_ACTION: "maintenance", ids.MESSAGE_ACTION: ""})
    assert isinstance(parsed, Mapping)
    assert parsed[ids.STATE_BLOCK].startswith("Phare has no 'maintenance' state")
    assert parsed[ids.MESSAGE_BLOCK] == "Write a message: it is empty."


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        FormSeal("xoxb-another-bot").seal(
            {"kind": "edit", "delivery_id": 31, "target": "phare:42"}
        ),
        SEAL.seal({"kind": "open", "delivery_id": 31, "target": "phare:42"}),
        SEAL.seal({"kind": "edit", "delivery_id": "31", "target": "phare:42"}),
        SEAL.seal({"kind": "edit", "delivery_id": 0, "target": "phare:42"}),
        SEAL.seal({"kind": "edit", "delivery_id": 31, "target": "statuspage:42"}),
        SEAL.seal({"kind": "edit", "delivery_id": 31, "target": "phare:-1"}),
        SEAL.seal({"kind": "edit", "delivery_id": 31}),
    ],
)
def test_a_form_whose_context_does_not_open_is_refused_whole(metadata: str) -> None:
    view = {**view_for(), "private_metadata": metadata}
    assert submit(view, {}) == {ids.MESSAGE_BLOCK: UNVERIFIED}
