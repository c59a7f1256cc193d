"""The reminder's decision: nudge a quiet, bound, unresolved incident; never during a snooze."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.reminders import LookAgain, Nudge, Stop, decide, quiet_words
from bot.domain.states import State

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


def decision(**changes: object) -> object:
    """decide() for an investigating incident last updated 31 minutes ago, with changes."""
    facts: dict[str, object] = {
        "bound": True,
        "state": State.INVESTIGATING,
        "last_update_at": NOW - timedelta(minutes=31),
        "snoozed_until": None,
        "last_fired_at": None,
        "now": NOW,
        "interval": HALF_HOUR,
    }
    return decide(**(facts | changes))  # type: ignore[arg-type]


def test_a_quiet_incident_is_nudged_with_how_long_it_has_been() -> None:
    assert decision() == Nudge(timedelta(minutes=31))


def test_a_recent_update_means_look_again_later() -> None:
    updated = NOW - timedelta(minutes=10)
    assert decision(last_update_at=updated) == LookAgain(updated + HALF_HOUR)


def test_after_a_nudge_the_next_comes_an_interval_later() -> None:
    fired = NOW - timedelta(minutes=1)
    assert decision(last_fired_at=fired) == LookAgain(fired + HALF_HOUR)


def test_a_snooze_holds_the_nudge_back() -> None:
    until = NOW + timedelta(minutes=5)
    assert decision(snoozed_until=until) == LookAgain(until)


@pytest.mark.parametrize(
    "changes",
    [{"bound": False}, {"state": State.RESOLVED}, {"last_update_at": None}],
)
def test_unbound_resolved_or_silent_channels_stop(changes: dict[str, object]) -> None:
    assert decision(**changes) == Stop()


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1.2, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (1920, "32 minutes"),
        (3600, "1 hour"),
        (7500, "2 hours 5 minutes"),
    ],
)
def test_quiet_time_in_words(seconds: float, words: str) -> None:
    assert quiet_words(timedelta(seconds=seconds)) == words
