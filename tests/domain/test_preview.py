"""Preview: each target's own state word, the text's length against the vendor's limit."""

from bot.domain.models import Target
from bot.domain.preview import preview
from bot.domain.states import ProviderName, State

PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d")


def test_each_vendor_gets_its_own_word_and_limit() -> None:
    phare, checkly = preview(State.MONITORING, "x" * 42, [PHARE, CHECKLY])
    assert (phare.state_word, phare.length, phare.limit) == ("monitoring", 42, 10_000)
    assert (checkly.state_word, checkly.length, checkly.limit) == ("MONITORING", 42, None)
    assert not phare.too_long


def test_a_state_the_vendor_lacks_has_no_word() -> None:
    [phare] = preview(State.MAINTENANCE, "x", [PHARE])
    assert phare.state_word is None


def test_too_long_for_phare_is_flagged() -> None:
    [phare] = preview(State.RESOLVED, "y" * 10_001, [PHARE])
    assert phare.too_long
