"""What each kind of target takes: its states, a publish time, subscriber notifications."""

from collections.abc import Iterable
from dataclasses import replace

from bot.domain.models import Target, Update
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


def with_notify_default(update: Update, targets: Iterable[Target], default: bool) -> Update:
    """The update with `notify_subscribers` set to the default when a target takes it and the
    update says nothing of it yet; otherwise unchanged."""
    if update.notify_subscribers is not None or not any(map(takes_notify_subscribers, targets)):
        return update
    return replace(update, notify_subscribers=default)


def recovers_after_resolve(target: Target) -> bool:
    """Whether a resolved update to the target is followed by recovering the incident (Phare;
    Checkly closes an incident with its RESOLVED update)."""
    return target.provider.value == "phare"
