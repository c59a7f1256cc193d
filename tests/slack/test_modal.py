"""The update form: what it shows, and how a submission is read back (pure)."""

from datetime import UTC, datetime
from typing import Any
from unittest.mock import ANY

from slack_sdk.models.views import View

from bot.domain.models import Target
from bot.domain.records import Binding
from bot.domain.states import ProviderName, State
from bot.slack import ids
from bot.slack.form_seal import FormSeal
from bot.slack.modal import ModalErrors, ModalInput, build_modal, parse_submission
from tests.slack.signing import view_submission_payload

SEAL = FormSeal("xoxb-test-modal-token")
UUID = "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d"
BOTH: frozenset[ProviderName] = frozenset(ProviderName)
BOUND = Binding(
    "C1",
    (Target(ProviderName.PHARE, "42"), Target(ProviderName.CHECKLY, UUID)),
    current_state=State.IDENTIFIED,
)


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _submit(view: dict[str, Any], **entries: Any) -> ModalInput | ModalErrors:
    payload = view_submission_payload(view, entries)
    return parse_submission(payload["view"], BOTH, SEAL)


def test_view_is_valid_for_slack_and_prefilled_from_the_binding() -> None:
    view = build_modal("C1", BOUND, BOTH, seal=SEAL)
    View(**view).validate_json()
    assert view["callback_id"] == ids.MODAL_CALLBACK_ID
    assert len(view["private_metadata"]) <= 3000
    assert SEAL.open(view["private_metadata"]) == {
        "channel_id": "C1",
        "inserted": ANY,
        "revision": 0,
    }
    state = _block(view, ids.STATE_BLOCK)["element"]
    assert state["initial_option"]["value"] == "monitoring"
    message = _block(view, ids.MESSAGE_BLOCK)["element"]
    assert message["multiline"] is True
    assert message["max_length"] == 3000
    assert _block(view, ids.PHARE_BLOCK)["element"]["initial_value"] == "42"
    assert _block(view, ids.CHECKLY_BLOCK)["element"]["initial_value"] == UUID
    assert _block(view, ids.PHARE_BLOCK)["label"]["text"] == "Phare incident id"
    assert _block(view, ids.CHECKLY_BLOCK)["label"]["text"] == "Checkly incident"
    assert _block(view, ids.PUBLISHED_AT_BLOCK)["element"]["type"] == "datetimepicker"
    for block_id in (ids.PHARE_BLOCK, ids.CHECKLY_BLOCK, ids.PUBLISHED_AT_BLOCK):
        assert _block(view, block_id)["optional"] is True


def test_unbound_channel_starts_at_investigating_with_empty_targets() -> None:
    view = build_modal("C1", None, BOTH, seal=SEAL)
    assert _block(view, ids.STATE_BLOCK)["element"]["initial_option"]["value"] == "investigating"
    assert "initial_value" not in _block(view, ids.PHARE_BLOCK)["element"]


def test_only_set_up_providers_are_shown() -> None:
    view = build_modal("C1", None, frozenset({ProviderName.CHECKLY}), seal=SEAL)
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert ids.CHECKLY_BLOCK in block_ids
    assert ids.PHARE_BLOCK not in block_ids
    assert ids.PUBLISHED_AT_BLOCK in block_ids  # Checkly status pages take one too
    assert ids.NOTIFY_BLOCK not in block_ids  # no status-page incident named


def test_good_submission_reads_back_everything() -> None:
    view = build_modal("C1", BOUND, BOTH, seal=SEAL)
    when = int(datetime(2026, 1, 2, 3, 4, tzinfo=UTC).timestamp())
    parsed = _submit(
        view,
        **{ids.MESSAGE_ACTION: "Fix <!channel> & deployed", ids.PUBLISHED_AT_ACTION: when},
    )
    assert isinstance(parsed, ModalInput)
    assert parsed.channel_id == "C1"
    assert parsed.update.state is State.MONITORING
    assert parsed.update.content == "Fix <!channel> & deployed"
    assert parsed.update.published_at == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert parsed.targets == BOUND.targets


def test_empty_message_is_shown_under_the_message() -> None:
    parsed = _submit(build_modal("C1", BOUND, BOTH, seal=SEAL), **{ids.MESSAGE_ACTION: "   "})
    assert isinstance(parsed, ModalErrors)
    assert set(parsed.errors) == {ids.MESSAGE_BLOCK}
    assert "empty" in parsed.errors[ids.MESSAGE_BLOCK]


def test_state_a_chosen_provider_lacks_is_shown_under_the_state() -> None:
    parsed = _submit(
        build_modal("C1", BOUND, BOTH, seal=SEAL),
        **{ids.STATE_ACTION: "maintenance", ids.MESSAGE_ACTION: "Planned work"},
    )
    assert isinstance(parsed, ModalErrors)
    assert set(parsed.errors) == {ids.STATE_BLOCK}
    assert "Phare has no 'maintenance' state" in parsed.errors[ids.STATE_BLOCK]


def test_maintenance_to_checkly_alone_is_fine() -> None:
    parsed = _submit(
        build_modal("C1", BOUND, BOTH, seal=SEAL),
        **{ids.STATE_ACTION: "maintenance", ids.MESSAGE_ACTION: "x", ids.PHARE_ACTION: None},
    )
    assert isinstance(parsed, ModalInput)
    assert parsed.targets == (Target(ProviderName.CHECKLY, UUID),)


def test_malformed_ids_are_shown_under_their_own_fields() -> None:
    parsed = _submit(
        build_modal("C1", None, BOTH, seal=SEAL),
        **{ids.MESSAGE_ACTION: "x", ids.PHARE_ACTION: "-3", ids.CHECKLY_ACTION: "not-a-uuid"},
    )
    assert isinstance(parsed, ModalErrors)
    assert "'-3' is not a positive whole number" in parsed.errors[ids.PHARE_BLOCK]
    assert "'not-a-uuid' is not a UUID" in parsed.errors[ids.CHECKLY_BLOCK]
    assert ids.MESSAGE_BLOCK not in parsed.errors


def test_no_target_at_all_is_shown_under_both_target_fields() -> None:
    parsed = _submit(build_modal("C1", None, BOTH, seal=SEAL), **{ids.MESSAGE_ACTION: "x"})
    assert isinstance(parsed, ModalErrors)
    assert set(parsed.errors) == {ids.PHARE_BLOCK, ids.CHECKLY_BLOCK}
    assert "at least one incident" in parsed.errors[ids.PHARE_BLOCK]


def test_too_long_for_phare_is_refused() -> None:
    view = build_modal("C1", BOUND, BOTH, seal=SEAL)
    payload = view_submission_payload(view, {ids.MESSAGE_ACTION: "a" * 10_001})
    parsed = parse_submission(payload["view"], BOTH, SEAL)
    assert isinstance(parsed, ModalErrors)
    assert "Phare takes at most 10,000 characters" in parsed.errors[ids.MESSAGE_BLOCK]


def test_publish_time_without_phare_is_refused_under_the_picker() -> None:
    parsed = _submit(
        build_modal("C1", BOUND, BOTH, seal=SEAL),
        **{ids.MESSAGE_ACTION: "x", ids.PHARE_ACTION: "", ids.PUBLISHED_AT_ACTION: 1767225600},
    )
    assert isinstance(parsed, ModalErrors)
    assert set(parsed.errors) == {ids.PUBLISHED_AT_BLOCK}


def test_prefixed_ids_are_accepted() -> None:
    parsed = _submit(
        build_modal("C1", None, BOTH, seal=SEAL),
        **{ids.MESSAGE_ACTION: "x", ids.PHARE_ACTION: " phare:7 ", ids.CHECKLY_ACTION: ""},
    )
    assert isinstance(parsed, ModalInput)
    assert parsed.targets == (Target(ProviderName.PHARE, "7"),)
