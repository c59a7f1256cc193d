"""The reminder posted in a quiet incident's thread, and what it becomes once answered."""

from datetime import datetime, timedelta

from bot.domain.reminders import SNOOZE, quiet_words
from bot.domain.states import State
from bot.slack import ids
from bot.slack.blocks import Block, SlackMessage, fallback, person, section, when
from bot.slack.messages import state_title


def nudge(channel_id: str, state: State | None, quiet_for: timedelta) -> SlackMessage:
    """`No update for 30 minutes`, the state the pages show, and two buttons."""
    quiet = quiet_words(quiet_for)
    shown = f" The status pages still say {state_title(state)}." if state is not None else ""
    text = f":alarm_clock: *No update for {quiet}.*{shown} Time to post an update?"
    blocks = [section(text), _buttons(channel_id)]
    return SlackMessage(fallback(f"No incident update for {quiet}. Time to post one?"), blocks)


def snoozed(user_id: str, until: datetime) -> SlackMessage:
    """The reminder after someone snoozed it (its buttons gone)."""
    text = f":zzz: Reminder snoozed by {person(user_id)} until {when(until)}."
    return SlackMessage(fallback(text), [section(text)])


def reminders_off() -> SlackMessage:
    """The reminder when snoozing finds nothing left to remind of."""
    text = ":zzz: No reminder is pending: the incident is resolved or no longer linked here."
    return SlackMessage(fallback(text), [section(text)])


def _buttons(channel_id: str) -> Block:
    """Post update (opens the form) and Snooze."""
    minutes = int(SNOOZE.total_seconds() // 60)
    return {
        "type": "actions",
        "block_id": ids.REMINDER_ACTIONS_BLOCK,
        "elements": [
            {
                "type": "button",
                "action_id": ids.REMINDER_POST_ACTION,
                "text": {"type": "plain_text", "text": "Post update"},
                "style": "primary",
                "value": channel_id,
            },
            {
                "type": "button",
                "action_id": ids.REMINDER_SNOOZE_ACTION,
                "text": {"type": "plain_text", "text": f"Snooze {minutes} min"},
                "value": channel_id,
            },
        ],
    }
