"""When a quiet incident deserves a nudge: the reminder's decision, free of Slack and SQL."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.states import State

SNOOZE = timedelta(minutes=30)


@dataclass(frozen=True)
class Stop:
    """No reminder any more: the channel is unbound, resolved, or has nothing to remind of."""


@dataclass(frozen=True)
class LookAgain:
    """Not stale yet (an update came, or a snooze runs): look again at `at`."""

    at: datetime


@dataclass(frozen=True)
class Nudge:
    """Stale: tell the thread it has been quiet for `quiet_for`."""

    quiet_for: timedelta


Decision = Stop | LookAgain | Nudge


def interval_of(minutes: float) -> timedelta:
    """INCIDENT_BOT_REMINDER_MINUTES as a duration (decimals allowed)."""
    return timedelta(minutes=minutes)


def decide(
    *,
    bound: bool,
    state: State | None,
    last_update_at: datetime | None,
    snoozed_until: datetime | None,
    last_fired_at: datetime | None,
    now: datetime,
    interval: timedelta,
) -> Decision:
    """Nudge once the last update (and the last nudge) is `interval` old and no snooze runs."""
    if not bound or state is State.RESOLVED or last_update_at is None:
        return Stop()
    due = last_update_at + interval
    if last_fired_at is not None and last_fired_at > last_update_at:
        due = max(due, last_fired_at + interval)
    if snoozed_until is not None:
        due = max(due, snoozed_until)
    if due > now:
        return LookAgain(due)
    return Nudge(now - last_update_at)


def quiet_words(quiet_for: timedelta) -> str:
    """`45 seconds`, `1 minute`, `32 minutes`, `2 hours 5 minutes`."""
    seconds = max(int(quiet_for.total_seconds()), 0)
    if seconds < 60:
        return _plural(seconds, "second")
    minutes = seconds // 60
    if minutes < 60:
        return _plural(minutes, "minute")
    hours, rest = divmod(minutes, 60)
    return _plural(hours, "hour") + (f" {_plural(rest, 'minute')}" if rest else "")


def _plural(count: int, unit: str) -> str:
    """`1 minute`, `2 minutes`."""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
