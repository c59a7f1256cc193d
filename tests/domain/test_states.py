"""States: each provider's vocabulary, never mapped across, and reaction pairs."""

import pytest

from bot.domain.states import (
    DEFAULT_REACTIONS,
    ProviderName,
    State,
    UnsupportedState,
    parse_reactions,
    parse_state,
    state_from_vendor,
    supports,
    vendor_state,
)


def test_vendor_words() -> None:
    assert vendor_state(ProviderName.PHARE, State.MONITORING) == "monitoring"
    assert vendor_state(ProviderName.CHECKLY, State.MONITORING) == "MONITORING"


@pytest.mark.parametrize(
    ("provider", "state"),
    [(ProviderName.PHARE, State.MAINTENANCE), (ProviderName.CHECKLY, State.UNKNOWN)],
)
def test_a_missing_state_is_never_mapped(provider: ProviderName, state: State) -> None:
    assert not supports(provider, state)
    with pytest.raises(UnsupportedState, match=f"{provider.label} has no '{state.value}' state"):
        vendor_state(provider, state)


@pytest.mark.parametrize("provider", list(ProviderName))
def test_vendor_words_read_back(provider: ProviderName) -> None:
    for state in State:
        if supports(provider, state):
            assert state_from_vendor(provider, vendor_state(provider, state)) is state


def test_state_from_vendor_ignores_words_the_provider_lacks() -> None:
    assert state_from_vendor(ProviderName.PHARE, "maintenance") is None
    assert state_from_vendor(ProviderName.CHECKLY, "SCHEDULED") is None


def test_parse_state() -> None:
    assert parse_state("  Resolved ") is State.RESOLVED
    assert parse_state("fixed") is None


def test_parse_reactions() -> None:
    assert parse_reactions(":fire:=investigating, tada=resolved,") == {
        "fire": State.INVESTIGATING,
        "tada": State.RESOLVED,
    }
    assert DEFAULT_REACTIONS["wrench"] is State.MAINTENANCE


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("fire", "not an emoji=state pair"),
        ("a=x", "not an emoji=state"),
        ("a=resolved,a=unknown", "twice"),
        (" , ", "no emoji"),
    ],
)
def test_parse_reactions_rejects(spec: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_reactions(spec)
