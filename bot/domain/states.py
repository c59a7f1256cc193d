"""Incident states, each provider's vocabulary for them, and reaction emoji."""

from collections.abc import Mapping
from enum import StrEnum


class State(StrEnum):
    """An incident state as responders speak of it."""

    UNKNOWN = "unknown"
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    MAINTENANCE = "maintenance"


class ProviderName(StrEnum):
    """A status-page provider the bot publishes to."""

    PHARE = "phare"
    CHECKLY = "checkly"

    @property
    def label(self) -> str:
        """The provider's name as people write it."""
        return {"phare": "Phare", "checkly": "Checkly"}[self.value]


PROVIDER_STATES: Mapping[ProviderName, tuple[State, ...]] = {
    ProviderName.PHARE: (
        State.UNKNOWN,
        State.INVESTIGATING,
        State.IDENTIFIED,
        State.MONITORING,
        State.RESOLVED,
    ),
    ProviderName.CHECKLY: (
        State.INVESTIGATING,
        State.IDENTIFIED,
        State.MONITORING,
        State.RESOLVED,
        State.MAINTENANCE,
    ),
}

STATUS_PAGE_STATES: tuple[State, ...] = (
    State.INVESTIGATING,
    State.IDENTIFIED,
    State.MONITORING,
    State.RESOLVED,
)
"""What a Checkly status-page incident takes: no MAINTENANCE."""

NEXT_STATE: Mapping[State, State] = {
    State.UNKNOWN: State.INVESTIGATING,
    State.INVESTIGATING: State.IDENTIFIED,
    State.IDENTIFIED: State.MONITORING,
    State.MONITORING: State.RESOLVED,
    State.RESOLVED: State.RESOLVED,
    State.MAINTENANCE: State.RESOLVED,
}

DEFAULT_REACTIONS: Mapping[str, State] = {
    "eyes": State.INVESTIGATING,
    "mag": State.IDENTIFIED,
    "hourglass_flowing_sand": State.MONITORING,
    "white_check_mark": State.RESOLVED,
    "wrench": State.MAINTENANCE,
}


class UnsupportedState(ValueError):
    """A provider (or a kind of its incidents) has no such state; never mapped to another."""

    def __init__(self, provider: ProviderName, state: State, where: str | None = None) -> None:
        super().__init__(f"{where or provider.label} has no '{state.value}' state")
        self.provider = provider
        self.state = state


def supports(provider: ProviderName, state: State) -> bool:
    """Whether the provider has this state."""
    return state in PROVIDER_STATES[provider]


def vendor_state(provider: ProviderName, state: State) -> str:
    """The provider's own word for a state: Phare lower-case, Checkly upper-case."""
    if not supports(provider, state):
        raise UnsupportedState(provider, state)
    return state.value.upper() if provider is ProviderName.CHECKLY else state.value


def state_from_vendor(provider: ProviderName, word: str) -> State | None:
    """The state a provider's word names, or None for a word it does not use."""
    state = parse_state(word)
    return state if state is not None and supports(provider, state) else None


def parse_state(word: str) -> State | None:
    """A state from a word typed by a person, ignoring case and surrounding space."""
    try:
        return State(word.strip().lower())
    except ValueError:
        return None


def parse_reactions(spec: str) -> dict[str, State]:
    """Parse `emoji=state` pairs, comma-separated; raise ValueError naming the bad pair."""
    mapping: dict[str, State] = {}
    for raw in spec.split(","):
        pair = raw.strip()
        if not pair:
            continue
        emoji, sep, word = pair.partition("=")
        name = emoji.strip().strip(":")
        state = parse_state(word)
        if not sep or not name or state is None:
            valid = ", ".join(s.value for s in State)
            raise ValueError(f"'{pair}' is not an emoji=state pair (states: {valid})")
        if name in mapping:
            raise ValueError(f"emoji '{name}' is listed twice")
        mapping[name] = state
    if not mapping:
        raise ValueError("no emoji=state pair given")
    return mapping
