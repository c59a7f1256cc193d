"""Where `open` opens, whether the title fits each vendor, and the submission it stores."""

from bot.domain.models import Source, Target
from bot.domain.open_at import (
    nowhere_to_open,
    open_places,
    opening_submission,
    place_label,
    title_problems,
)
from bot.domain.operations import Impact, Opening, Operation
from bot.domain.states import ProviderName, State

PAGE = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
PHARE_PLACE = Target(ProviderName.PHARE, "")
CHECKLY_PLACE = Target(ProviderName.CHECKLY, PAGE)
BOTH = (ProviderName.PHARE, ProviderName.CHECKLY)


def test_every_vendor_that_can_open_is_a_place() -> None:
    assert open_places(True, PAGE) == (PHARE_PLACE, CHECKLY_PLACE)
    assert open_places(True, None) == (PHARE_PLACE,)
    assert open_places(False, PAGE) == (CHECKLY_PLACE,)
    assert open_places(False, None) == ()


def test_places_are_named_as_people_say_them() -> None:
    assert place_label(PHARE_PLACE) == "Phare"
    assert place_label(CHECKLY_PLACE) == f"Checkly status page {PAGE}"


def test_nowhere_to_open_names_the_variables_still_missing() -> None:
    nothing = nowhere_to_open(set())
    assert "PHARE_API_TOKEN" in nothing
    assert "CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and CHECKLY_STATUS_PAGE_ID" in nothing
    checkly_on = nowhere_to_open({ProviderName.CHECKLY})
    assert "CHECKLY_STATUS_PAGE_ID" in checkly_on
    assert "CHECKLY_API_KEY" not in checkly_on


def test_a_title_too_long_names_each_vendor_and_its_limit() -> None:
    assert title_problems("x" * 250, BOTH) == []
    assert title_problems("x" * 251, BOTH) == [
        "This title has 251 characters; Phare takes at most 250."
    ]
    assert title_problems("x" * 251, (ProviderName.CHECKLY,)) == []
    assert title_problems("x" * 256, BOTH) == [
        "This title has 256 characters; Phare takes at most 250; Checkly takes at most 255."
    ]


def test_an_empty_or_invalid_title_is_named() -> None:
    assert title_problems(" \u200b ", (ProviderName.PHARE,)) == [
        "Give the incident a title: it is empty."
    ]
    assert title_problems("Down\x00", (ProviderName.PHARE,)) == [
        "The title contains NUL; remove it."
    ]


def test_the_submission_opens_at_each_place_with_a_first_update_investigating() -> None:
    opening = Opening("Checkout is failing", Impact.MAJOR_OUTAGE, monitor_ids=(7,))
    submission = opening_submission(
        opening, (PHARE_PLACE, CHECKLY_PLACE), Source.INLINE, "U1", channel_id="C1", dedup_key="k"
    )
    assert submission.operation is Operation.OPEN
    assert submission.opening == opening
    assert submission.targets == (PHARE_PLACE, CHECKLY_PLACE)
    assert (submission.update.state, submission.update.content) == (
        State.INVESTIGATING,
        "Checkout is failing",
    )
    assert (submission.channel_id, submission.dedup_key, submission.author) == ("C1", "k", "U1")
