"""Pure Block Kit builders for the incident thread: status card, announcements, notes."""

from collections.abc import Sequence

from bot.domain.models import DeliveryStatus, Source, Target
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import State
from bot.domain.targets import lacking, states_of, takes_state
from bot.slack.blocks import (
    Block,
    SlackMessage,
    context,
    fallback,
    person,
    quote,
    safe,
    section,
    when,
)
from bot.slack.receipts import receipt, target_label

__all__ = [
    "STATE_EMOJI",
    "SlackMessage",
    "no_update_card",
    "nothing_published",
    "receipt",
    "skipped_reason",
    "status_card",
    "update_announcement",
]

STATE_EMOJI: dict[State, str] = {
    State.UNKNOWN: ":grey_question:",
    State.INVESTIGATING: ":eyes:",
    State.IDENTIFIED: ":mag:",
    State.MONITORING: ":hourglass_flowing_sand:",
    State.RESOLVED: ":white_check_mark:",
    State.MAINTENANCE: ":wrench:",
}

_SOURCE_WORDS: dict[Source, str] = {
    Source.MODAL: "from the update form",
    Source.INLINE: "with /incident-update",
    Source.REACTION: "with a reaction",
    Source.CLI: "from the command line",
    Source.RETRY: "as a resend",
}

_CARD_QUOTE_LIMIT = 2500
_REPLY_QUOTE_LIMIT = 2900


def state_title(state: State) -> str:
    """A state with its emoji, in bold: `:eyes: *Investigating*`."""
    return f"{STATE_EMOJI[state]} *{state.value.capitalize()}*"


def skipped_reason(target: Target, state: State) -> str:
    """Why a target was left out of an update: its incident lacks the state."""
    if takes_state(target, state):
        return f"The {target.kind} was not asked."
    offered = ", ".join(s.value for s in states_of(target))
    return f"{lacking(target, state)} (it has: {offered})."


def _skipped_block(update: StoredUpdate) -> list[Block]:
    """A context line per skipped target, saying which and why."""
    sub = update.submission
    return [
        context(
            f":fast_forward: Skipped {target_label(t)}: {safe(skipped_reason(t, sub.update.state))}"
        )
        for t in sub.skipped
    ]


def _byline(update: StoredUpdate) -> str:
    """`by <@U1> with a reaction · <date>`."""
    sub = update.submission
    return f"by {person(sub.author)} {_SOURCE_WORDS[sub.source]} · {when(update.created_at)}"


def _target_line(target: Target, update: StoredUpdate, reports: Sequence[DeliveryReport]) -> str:
    """One bound or addressed target and where this update stands there."""
    mine = [r for r in reports if r.target == target and r.update.id == update.id]
    if target in update.submission.skipped:
        word = ":fast_forward: skipped"
    elif target not in update.submission.targets:
        word = "not part of this update"
    elif not mine:
        word = ":outbox_tray: sending"
    else:
        word = _status_word(mine[-1])
    return f"• {target_label(target)}: {word}"


def _status_word(report: DeliveryReport) -> str:
    """A delivery's status in a few words."""
    if report.status is DeliveryStatus.ACCEPTED:
        update_id = safe(report.provider_update_id or "?", 100)
        return f":white_check_mark: accepted (update `{update_id}`)"
    if report.status is DeliveryStatus.PENDING and report.outcome is not None:
        return ":repeat: retrying"
    return {
        DeliveryStatus.PENDING: ":outbox_tray: sending",
        DeliveryStatus.IN_FLIGHT: ":outbox_tray: sending",
        DeliveryStatus.REFUSED: ":x: refused (see thread)",
        DeliveryStatus.FAILED: ":x: failed (see thread)",
        DeliveryStatus.SKIPPED: ":fast_forward: skipped",
    }[report.status]


def status_card(
    update: StoredUpdate,
    bound: Sequence[Target],
    reports: Sequence[DeliveryReport] = (),
    title: str | None = None,
) -> SlackMessage:
    """The channel's status card: the incident's title (when the bot opened it), the current
    state, its targets, the last update, who and when."""
    sub = update.submission
    state = sub.update.state
    targets = sorted({*bound, *sub.targets, *sub.skipped})
    lines = "\n".join(_target_line(t, update, reports) for t in targets) or "• no incident bound"
    blocks = [
        *_title_blocks(title),
        section(f"*Incident status:* {state_title(state)}"),
        section(quote(sub.update.content, _CARD_QUOTE_LIMIT)),
        context(f"Last update {_byline(update)}"),
        section(lines),
        *_skipped_block(update),
    ]
    named = f"{safe(title, 300)} — " if title else ""
    text = f"Incident status: {state.value} — {named}{safe(sub.update.content, 300)}"
    return SlackMessage(fallback(text), blocks)


def no_update_card(bound: Sequence[Target], title: str | None = None) -> SlackMessage:
    """The status card once no update stands (each one was deleted): no state, its targets."""
    lines = "\n".join(f"• {target_label(t)}" for t in sorted(bound)) or "• no incident bound"
    blocks = [
        *_title_blocks(title),
        section("*Incident status:* none: every update was deleted"),
        section(lines),
    ]
    named = f" — {safe(title, 300)}" if title else ""
    return SlackMessage(fallback(f"Incident status: none{named}"), blocks)


def _title_blocks(title: str | None) -> list[Block]:
    """The incident's title as the card's first line, when it has one."""
    return [section(f":rotating_light: *{safe(title, 500)}*")] if title else []


def update_announcement(update: StoredUpdate) -> SlackMessage:
    """A thread reply announcing a new update: its state, its text, who, and from where."""
    sub = update.submission
    state = sub.update.state
    to = ", ".join(target_label(t) for t in sub.targets) or "no incident"
    blocks = [
        section(
            f"{state_title(state)} — new update\n{quote(sub.update.content, _REPLY_QUOTE_LIMIT)}"
        ),
        context(f"Sending to {to} · {_byline(update)}"),
        *_skipped_block(update),
    ]
    text = f"New update ({state.value}) {_byline(update)}: {safe(sub.update.content, 300)}"
    return SlackMessage(fallback(text), blocks)


def nothing_published(state: State, author: str | None, reasons: Sequence[str]) -> SlackMessage:
    """A thread note: a reaction's update went nowhere, and why (each reason is plain text)."""
    why = " ".join(safe(r, 500) for r in reasons) or "No incident is bound to this channel."
    text = (
        f":warning: Nothing was published for {person(author)}'s {STATE_EMOJI[state]} reaction: "
        f"{why}"
    )
    return SlackMessage(fallback(text), [section(text)])
