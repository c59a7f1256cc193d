"""What each kind of target takes: its states, a publish time, subscriber notifications."""

from bot.domain.models import Target
from bot.domain.states import PROVIDER_STATES, STATUS_PAGE_STATES, State, UnsupportedState


def states_of(target: Target) -> tuple[State, ...]:
    """The states the target's incident takes."""
    return STATUS_PAGE_STATES if target.on_status_page else PROVIDER_STATES[target.provider]


def takes_state(target: Target, state: State) -> bool:
    """Whether the target's incident has this state."""
    return state in states_of(target)


def lacking(target: Target, state: State) -> UnsupportedState:
    """Why the target cannot take the state, in words for people."""
    where = "A Checkly status page" if target.on_status_page else None
    return UnsupportedState(target.provider, state, where)


def takes_publish_time(target: Target) -> bool:
    """Whether the target shows an update at a chosen time (Phare; Checkly status pages)."""
    return target.on_status_page or target.provider.value == "phare"


def takes_notify_subscribers(target: Target) -> bool:
    """Whether the target can notify its subscribers (Checkly status pages)."""
    return target.on_status_page
