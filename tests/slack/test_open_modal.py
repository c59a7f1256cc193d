"""The "Open an incident" form: what it shows, and how a submission is read back (pure)."""

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.domain.operations import Component, Impact, Opening
from bot.domain.states import ProviderName
from bot.slack import ids
from bot.slack.form_seal import UNVERIFIED, FormSeal
from bot.slack.open_input import OpenForm, read_open_submission
from bot.slack.open_modal import open_view
from tests.slack.signing import view_submission_payload

SEAL = FormSeal("xoxb-test-open-token")
BOTH: frozenset[ProviderName] = frozenset(ProviderName)
PHARE_ONLY = frozenset({ProviderName.PHARE})
CHECKLY_ONLY = frozenset({ProviderName.CHECKLY})
API = Component("3f6b3a52-0c1e-4d8a-9f3e-111111111111", "API")
WEB = Component("3f6b3a52-0c1e-4d8a-9f3e-222222222222", "Web <app> & *dashboard*")


def view_for(
    vendors: frozenset[ProviderName] = BOTH,
    components: Sequence[Component] | str | None = (API, WEB),
    *,
    notify_default: bool = False,
    title: str = "",
) -> dict[str, Any]:
    """The form as the command would open it in channel C1."""
    return open_view(
        vendors=vendors,
        components=components,
        notify_default=notify_default,
        channel_id="C1",
        seal=SEAL,
        title=title,
    )


def block(view: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def block_ids(view: Mapping[str, Any]) -> set[str]:
    return {b.get("block_id", "") for b in view["blocks"]}


def submit(
    view: dict[str, Any], entries: Mapping[str, Any], vendors: frozenset[ProviderName] = BOTH
) -> OpenForm | Mapping[str, str]:
    payload = view_submission_payload(view, entries)
    return read_open_submission(payload["view"], vendors=vendors, seal=SEAL)


def test_view_is_valid_for_slack_with_every_field() -> None:
    view = view_for()
    View(**view).validate_json()
    assert view["callback_id"] == ids.OPEN_CALLBACK_ID
    assert view["title"]["text"] == "Open an incident"
    assert SEAL.open(view["private_metadata"]) == {"kind": "open", "channel_id": "C1"}
    title = block(view, ids.OPEN_TITLE_BLOCK)["element"]
    assert (title["type"], title["max_length"]) == ("plain_text_input", 255)
    assert block(view, ids.OPEN_TITLE_BLOCK)["hint"]["text"] == (
        "At most 250 characters at Phare, 255 characters at Checkly."
    )
    assert title.get("multiline") is not True
    impact = block(view, ids.OPEN_IMPACT_BLOCK)["element"]
    assert [o["value"] for o in impact["options"]] == [
        "unknown",
        "degraded_performance",
        "partial_outage",
        "major_outage",
    ]
    assert impact["initial_option"]["value"] == "unknown"
    message = block(view, ids.OPEN_MESSAGE_BLOCK)
    assert message["optional"] is True
    assert (message["element"]["multiline"], message["element"]["max_length"]) == (True, 3000)
    vendors = block(view, ids.OPEN_VENDORS_BLOCK)["element"]
    assert [o["text"]["text"] for o in vendors["options"]] == ["Phare", "Checkly status page"]
    assert vendors["initial_options"] == vendors["options"]
    components = block(view, ids.OPEN_COMPONENTS_BLOCK)
    assert components["element"]["type"] == "multi_static_select"
    assert [o["value"] for o in components["element"]["options"]] == [API.id, WEB.id]
    assert "follows the impact" in components["hint"]["text"]
    assert "initial_options" not in block(view, ids.NOTIFY_BLOCK)["element"]


def test_component_names_are_plain_text_kept_as_written() -> None:
    options = block(view_for(), ids.OPEN_COMPONENTS_BLOCK)["element"]["options"]
    assert options[1]["text"] == {"type": "plain_text", "text": "Web <app> & *dashboard*"}


def test_phare_alone_offers_nothing_of_checkly() -> None:
    view = view_for(PHARE_ONLY, None)
    View(**view).validate_json()
    vendors = block(view, ids.OPEN_VENDORS_BLOCK)["element"]["options"]
    assert [o["value"] for o in vendors] == ["phare"]
    assert block(view, ids.OPEN_TITLE_BLOCK)["element"]["max_length"] == 250
    assert block(view, ids.OPEN_TITLE_BLOCK)["hint"]["text"] == "At most 250 characters at Phare."
    assert not block_ids(view) & {
        ids.OPEN_COMPONENTS_BLOCK,
        ids.OPEN_COMPONENTS_NOTE_BLOCK,
        ids.NOTIFY_BLOCK,
    }


def test_components_that_could_not_be_read_are_explained_in_a_sentence() -> None:
    view = view_for(CHECKLY_ONLY, "Checkly answered 403: <!channel> & co")
    View(**view).validate_json()
    assert ids.OPEN_COMPONENTS_BLOCK not in block_ids(view)
    note = block(view, ids.OPEN_COMPONENTS_NOTE_BLOCK)
    assert note["text"]["type"] == "plain_text"
    assert note["text"]["text"] == (
        "The Checkly status page's components could not be read: "
        "Checkly answered 403: <!channel> & co"
    )
    assert ids.NOTIFY_BLOCK in block_ids(view)


def test_a_page_without_components_says_so() -> None:
    view = view_for(CHECKLY_ONLY, [])
    assert "no components" in block(view, ids.OPEN_COMPONENTS_NOTE_BLOCK)["text"]["text"]
    assert ids.OPEN_COMPONENTS_BLOCK not in block_ids(view)


def test_more_than_a_hundred_components_are_listed_to_the_limit_and_the_rest_counted() -> None:
    many = [Component(f"00000000-0000-4000-8000-{i:012d}", f"Component {i}") for i in range(130)]
    view = view_for(components=many)
    View(**view).validate_json()
    options = block(view, ids.OPEN_COMPONENTS_BLOCK)["element"]["options"]
    assert len(options) == 100
    note = block(view, ids.OPEN_COMPONENTS_NOTE_BLOCK)["elements"][0]["text"]
    assert "130 components; only 100 are listed" in note


def test_long_component_names_are_cut_to_what_an_option_shows() -> None:
    view = view_for(components=[Component(API.id, "x" * 200)])
    View(**view).validate_json()
    [option] = block(view, ids.OPEN_COMPONENTS_BLOCK)["element"]["options"]
    assert len(option["text"]["text"]) == 75
    assert option["text"]["text"].endswith("…")


def test_notify_default_ticks_the_checkbox_and_a_title_prefills() -> None:
    view = view_for(notify_default=True, title="Checkout down")
    assert block(view, ids.NOTIFY_BLOCK)["element"]["initial_options"][0]["value"] == "notify"
    assert block(view, ids.OPEN_TITLE_BLOCK)["element"]["initial_value"] == "Checkout down"


def test_no_vendor_at_all_says_there_is_nowhere_to_open_one() -> None:
    view = view_for(frozenset(), None)
    View(**view).validate_json()
    assert "submit" not in view
    assert "nowhere to open an incident" in view["blocks"][0]["text"]["text"]


def test_good_submission_reads_back_everything_as_typed() -> None:
    parsed = submit(
        view_for(notify_default=True),
        {
            ids.OPEN_TITLE_ACTION: "Checkout <!channel> *down* & slow",
            ids.OPEN_IMPACT_ACTION: "partial_outage",
            ids.OPEN_MESSAGE_ACTION: "We are on it.\nMore soon.",
            ids.OPEN_COMPONENTS_ACTION: [WEB.id, API.id],
        },
    )
    assert parsed == OpenForm(
        Opening(
            title="Checkout <!channel> *down* & slow",
            impact=Impact.PARTIAL_OUTAGE,
            message="We are on it.\nMore soon.",
            component_ids=(WEB.id, API.id),
            notify_subscribers=True,
        ),
        (ProviderName.PHARE, ProviderName.CHECKLY),
        "C1",
    )


def test_defaults_open_everywhere_with_unknown_impact_and_no_message() -> None:
    parsed = submit(view_for(), {ids.OPEN_TITLE_ACTION: "Checkout down"})
    assert isinstance(parsed, OpenForm)
    assert parsed.opening == Opening("Checkout down")
    assert parsed.opening.first_message == "Checkout down"
    assert parsed.vendors == (ProviderName.PHARE, ProviderName.CHECKLY)


def test_components_and_notification_are_dropped_when_checkly_is_unticked() -> None:
    parsed = submit(
        view_for(notify_default=True),
        {
            ids.OPEN_TITLE_ACTION: "Checkout down",
            ids.OPEN_VENDORS_ACTION: ["phare"],
            ids.OPEN_COMPONENTS_ACTION: [API.id],
        },
    )
    assert isinstance(parsed, OpenForm)
    assert parsed.vendors == (ProviderName.PHARE,)
    assert (parsed.opening.component_ids, parsed.opening.notify_subscribers) == ((), False)


def test_empty_title_is_shown_under_the_title() -> None:
    parsed = submit(view_for(), {ids.OPEN_TITLE_ACTION: "  \u200b "})
    assert parsed == {ids.OPEN_TITLE_BLOCK: "Give the incident a title: it is empty."}


@pytest.mark.parametrize(
    ("length", "vendors", "said"),
    [
        (251, ["phare"], "This title has 251 characters; Phare takes at most 250."),
        (251, ["phare", "checkly"], "This title has 251 characters; Phare takes at most 250."),
        (256, ["checkly"], "This title has 256 characters; Checkly takes at most 255."),
        (
            256,
            ["phare", "checkly"],
            "This title has 256 characters; Phare takes at most 250; Checkly takes at most 255.",
        ),
    ],
)
def test_title_too_long_names_each_vendor_whose_limit_it_passes(
    length: int, vendors: list[str], said: str
) -> None:
    parsed = submit(
        view_for(), {ids.OPEN_TITLE_ACTION: "t" * length, ids.OPEN_VENDORS_ACTION: vendors}
    )
    assert parsed == {ids.OPEN_TITLE_BLOCK: said}


@pytest.mark.parametrize(("length", "vendor"), [(250, "phare"), (255, "checkly")])
def test_title_at_a_vendors_limit_is_fine(length: int, vendor: str) -> None:
    parsed = submit(
        view_for(), {ids.OPEN_TITLE_ACTION: "t" * length, ids.OPEN_VENDORS_ACTION: [vendor]}
    )
    assert isinstance(parsed, OpenForm)
    assert len(parsed.opening.title) == length


def test_no_vendor_ticked_is_shown_under_open_at() -> None:
    parsed = submit(view_for(), {ids.OPEN_TITLE_ACTION: "x", ids.OPEN_VENDORS_ACTION: []})
    assert parsed == {ids.OPEN_VENDORS_BLOCK: "Choose where to open the incident."}


def test_every_problem_is_shown_at_once_under_its_own_field() -> None:
    parsed = submit(
        view_for(),
        {
            ids.OPEN_TITLE_ACTION: "",
            ids.OPEN_VENDORS_ACTION: [],
            ids.OPEN_MESSAGE_ACTION: "bad \x00 byte",
        },
    )
    assert parsed == {
        ids.OPEN_TITLE_BLOCK: "Give the incident a title: it is empty.",
        ids.OPEN_VENDORS_BLOCK: "Choose where to open the incident.",
        ids.OPEN_MESSAGE_BLOCK: "The message contains NUL; remove it.",
    }


def test_a_vendor_no_longer_set_up_is_refused() -> None:
    parsed = submit(view_for(), {ids.OPEN_TITLE_ACTION: "Checkout down"}, PHARE_ONLY)
    assert parsed == {
        ids.OPEN_VENDORS_BLOCK: "Checkly can no longer open incidents on this bot; untick it."
    }


def test_a_blank_message_counts_as_none() -> None:
    parsed = submit(view_for(), {ids.OPEN_TITLE_ACTION: "x", ids.OPEN_MESSAGE_ACTION: " \n "})
    assert isinstance(parsed, OpenForm)
    assert parsed.opening.message is None


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "not-sealed",
        FormSeal("xoxb-another-bot").seal({"kind": "open", "channel_id": "C1"}),
        SEAL.seal({"kind": "edit", "channel_id": "C1"}),
        SEAL.seal({"kind": "open"}),
    ],
)
def test_a_form_whose_context_does_not_open_is_refused_whole(metadata: str) -> None:
    view = {**view_for(), "private_metadata": metadata}
    parsed = submit(view, {ids.OPEN_TITLE_ACTION: "Checkout down"})
    assert parsed == {ids.OPEN_TITLE_BLOCK: UNVERIFIED}
