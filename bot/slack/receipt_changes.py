"""An accepted receipt after its update was edited or deleted, and a vendor refusing either."""

from bot.domain.models import Refused, Target, Update
from bot.domain.operations import Operation
from bot.domain.records import DeliveryReport
from bot.slack.blocks import Block, SlackMessage, context, fallback, person, quote, safe, section
from bot.slack.messages import state_title
from bot.slack.receipts import (
    accepted_update_id,
    change_buttons,
    refusal_text,
    status_body,
    target_label,
    where_line,
)

_QUOTE_LIMIT = 2700
_STRUCK_LIMIT = 2500
_LOOKALIKE_TILDE = "\u223c"
"""Stands for `~` inside struck text, where a real one would end the strike early."""

_AFTER_REFUSAL = {
    Operation.EDIT: "_Not retried: the update stands unchanged at {vendor}._",
    Operation.DELETE: "_Not retried: the update is still published at {vendor}._",
}


def edited_receipt(report: DeliveryReport, edit: Update, editor: str | None) -> SlackMessage:
    """The accepted receipt redrawn after an edit: who made it, the new state and text;
    Edit and Delete stay."""
    icon, body = status_body(report)
    edited = (
        f":pencil2: Edited by {person(editor)}: now {state_title(edit.state)}\n"
        f"{quote(edit.content, _QUOTE_LIMIT)}"
    )
    blocks: list[Block] = [
        section(f"{icon} {body}"),
        where_line(report),
        section(edited),
        change_buttons(report),
    ]
    text = (
        f"{_named(report)} edited by {person(editor)}: {edit.state.value} — "
        f"{safe(edit.content, 300)}"
    )
    return SlackMessage(fallback(text), blocks)


def deleted_receipt(
    report: DeliveryReport, deleter: str | None, last: Update | None = None
) -> SlackMessage:
    """The accepted receipt redrawn after a deletion: struck through, who deleted it, no
    buttons. `last` is the update as last edited (else as first published)."""
    icon, body = status_body(report)
    shown = last or report.update.submission.update
    deleted = f"{state_title(shown.state)}\n{quote(shown.content, _STRUCK_LIMIT)}"
    blocks: list[Block] = [
        section(f"{icon} {struck(body)}"),
        where_line(report),
        section(struck(deleted)),
        context(f":wastebasket: Deleted at {report.target.provider.label} by {person(deleter)}."),
    ]
    return SlackMessage(fallback(f"{_named(report)} deleted by {person(deleter)}."), blocks)


def struck(mrkdwn: str) -> str:
    """Safe mrkdwn struck through line by line (Slack's `~` does not span lines); a block
    quote's `>` stays outside the strike."""
    lines = []
    for line in mrkdwn.split("\n"):
        prefix = ">" if line.startswith(">") else ""
        words = line[len(prefix) :].strip().replace("~", _LOOKALIKE_TILDE)
        lines.append(f"{prefix} ~{words}~".lstrip() if words else prefix)
    return "\n".join(lines)


def change_refused(
    target: Target, operation: Operation, outcome: Refused, author: str | None
) -> SlackMessage:
    """A thread reply: the vendor refused an edit or a deletion; its own words, field errors
    and what its status usually means, as for any refused update."""
    vendor = target.provider.label
    headline = (
        f":x: The {operation.label} by {person(author)} at {target_label(target)} was refused."
    )
    after = _AFTER_REFUSAL.get(operation, "_Not retried._").format(vendor=vendor)
    blocks = [section(headline), section(refusal_text(target.provider, outcome, after))]
    first = safe(outcome.message, 300)
    return SlackMessage(fallback(f"{vendor} refused the {operation.label}: {first}"), blocks)


def _named(report: DeliveryReport) -> str:
    """`Phare update 9 on Phare incident `42``, safe for mrkdwn."""
    update_id = safe(accepted_update_id(report) or "?", 100)
    return f"{report.target.provider.label} update {update_id} on {target_label(report.target)}"


def edit_note(target: Target, remote_id: str, edit: Update, editor: str | None) -> SlackMessage:
    """A thread reply: who edited which vendor update, and what it says now."""
    vendor = target.provider.label
    head = (
        f":pencil2: {person(editor)} edited the {vendor} update `{safe(remote_id, 100)}` "
        f"on {target_label(target)}: now {state_title(edit.state)}"
    )
    blocks = [section(f"{head}\n{quote(edit.content, _QUOTE_LIMIT)}")]
    text = (
        f"{person(editor)} edited the {vendor} update: {edit.state.value} — "
        f"{safe(edit.content, 300)}"
    )
    return SlackMessage(fallback(text), blocks)


def deletion_note(target: Target, remote_id: str, deleter: str | None) -> SlackMessage:
    """A thread reply: who deleted which vendor update."""
    vendor = target.provider.label
    text = (
        f":wastebasket: {person(deleter)} deleted the {vendor} update "
        f"`{safe(remote_id, 100)}` from {target_label(target)}."
    )
    return SlackMessage(fallback(text), [section(text)])
