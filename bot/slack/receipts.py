"""A thread receipt per provider: accepted, refused in its own words, retrying, failed, skipped."""

import math

from bot.domain.explain import explain
from bot.domain.models import Accepted, DeliveryStatus, Outcome, Refused, Target, Unclear
from bot.domain.operations import Operation
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName
from bot.domain.text import shorten
from bot.slack import ids
from bot.slack.blocks import (
    MAX_SECTION_TEXT,
    Block,
    SlackMessage,
    context,
    fallback,
    safe,
    section,
)

# Kept free in a refusal's text for the icon and the "…and N more field errors." line.
_MORE_ROOM = 60
_CONFIRM_TEXT_MAX = 300
RESENDABLE = frozenset({DeliveryStatus.REFUSED, DeliveryStatus.FAILED})
"""Statuses whose receipt offers Retry and Edit & resend."""

NOT_RETRIED = "_Not retried: fix the update and send it again._"

_CREDENTIALS = {
    ProviderName.PHARE: "PHARE_API_TOKEN (and PHARE_PROJECT_ID / PHARE_PROJECT_SLUG)",
    ProviderName.CHECKLY: "CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID",
}


def target_label(target: Target) -> str:
    """`Phare incident `42`` or `Checkly status-page incident `<page>/<id>``, safe for mrkdwn;
    `Phare incident (being opened)` while its incident is being opened."""
    if target.awaited_opening is not None:
        return f"{target.kind} (being opened)"
    return f"{target.kind} `{safe(target.incident_id, 100)}`"


def receipt(report: DeliveryReport, *, follow_up: str | None = None) -> SlackMessage:
    """What one provider made of one update, as a thread reply.

    A refused or failed delivery of an update gets Retry and Edit & resend buttons, an
    accepted one Edit and Delete (an opening, recovery, edit or deletion gets none); once one
    was used, `follow_up` (safe mrkdwn, e.g. who resent it) takes the buttons' place.
    """
    icon, body = status_body(report)
    blocks: list[Block] = [section(f"{icon} {body}"), where_line(report)]
    if follow_up is not None:
        blocks.append(context(follow_up))
    elif report.operation is Operation.PUBLISH and report.status in RESENDABLE:
        blocks.append(resend_buttons(report.delivery_id))
    elif report.operation is Operation.PUBLISH and report.status is DeliveryStatus.ACCEPTED:
        blocks.append(change_buttons(report))
    first_line = body.split("\n", 1)[0]
    return SlackMessage(fallback(f"{report.target.provider.label}: {first_line}"), blocks)


def where_line(report: DeliveryReport) -> Block:
    """A context line: the target, the bot's update number, the attempt."""
    where = f"{target_label(report.target)} · update #{report.update.id}"
    attempts = f"attempt {report.attempts}" if report.attempts else ""
    return context(where, attempts)


def resend_buttons(delivery_id: int) -> Block:
    """Retry (the same update again) and Edit & resend (the form, pre-filled), for one delivery."""
    return {
        "type": "actions",
        "block_id": ids.RECEIPT_ACTIONS_BLOCK,
        "elements": [
            _button(ids.RETRY_ACTION, "Retry", str(delivery_id)),
            _button(ids.EDIT_RESEND_ACTION, "Edit & resend", str(delivery_id)),
        ],
    }


def change_buttons(report: DeliveryReport) -> Block:
    """Edit and Delete for an update a vendor accepted; Delete asks for confirmation first."""
    value = str(report.delivery_id)
    delete = _button(ids.DELIVERY_DELETE_ACTION, "Delete", value)
    delete["confirm"] = _delete_confirmation(report)
    return {
        "type": "actions",
        "block_id": ids.RECEIPT_ACTIONS_BLOCK,
        "elements": [_button(ids.DELIVERY_EDIT_ACTION, "Edit", value), delete],
    }


def _delete_confirmation(report: DeliveryReport) -> Block:
    """Slack's confirm dialog naming the vendor, the incident and the vendor's update id."""
    target = report.target
    update_id = shorten(accepted_update_id(report) or "?", 60)
    text = (
        f"{target.provider.label} will delete update {update_id} from {target.kind} "
        f"{target.incident_id}: it disappears from the public status page. "
        "This cannot be undone."
    )
    return {
        "title": _plain("Delete this update?"),
        "text": _plain(shorten(text, _CONFIRM_TEXT_MAX)),
        "confirm": _plain("Delete"),
        "deny": _plain("Cancel"),
        "style": "danger",
    }


def _plain(text: str) -> Block:
    """A plain_text object."""
    return {"type": "plain_text", "text": text}


def _button(action_id: str, label: str, value: str) -> Block:
    """A plain button carrying a value."""
    return {
        "type": "button",
        "action_id": action_id,
        "text": _plain(label),
        "value": value,
    }


def status_body(report: DeliveryReport) -> tuple[str, str]:
    """The icon and the mrkdwn text for a delivery's status."""
    provider = report.target.provider
    status = report.status
    if status is DeliveryStatus.ACCEPTED:
        update_id = accepted_update_id(report) or "?"
        return ":white_check_mark:", safe(explain(provider, Accepted(update_id)))
    if status is DeliveryStatus.SKIPPED:
        reason = report.skipped_reason or "it was left out of this update."
        return ":fast_forward:", f"Skipped {target_label(report.target)}: {safe(reason)}"
    if status is DeliveryStatus.REFUSED and isinstance(report.outcome, Refused):
        return ":x:", refusal_text(provider, report.outcome)
    if status is DeliveryStatus.FAILED:
        return ":x:", _failed(provider, report)
    if report.outcome is not None:
        return ":repeat:", _retrying(provider, report.outcome, report.next_attempt_in)
    return ":outbox_tray:", f"Sending to {provider.label}…"


def accepted_update_id(report: DeliveryReport) -> str | None:
    """The vendor's id for the update it accepted, when known."""
    outcome = report.outcome
    accepted = outcome.provider_update_id if isinstance(outcome, Accepted) else None
    return report.provider_update_id or accepted


def refusal_text(provider: ProviderName, outcome: Refused, after: str = NOT_RETRIED) -> str:
    """The refusal headline in the vendor's words, each field error on its own line, then
    what a status usually means and `after` (safe mrkdwn: what happens now)."""
    headline = safe(explain(provider, Refused(outcome.status, outcome.message)), 1000)
    hint = _hint(provider, outcome.status)
    tail = [hint] if hint else []
    tail.append(after)
    errors = [
        f"• `{safe(name, 100)}`: {safe(text, 500)}"
        for name, texts in outcome.field_errors.items()
        for text in texts
    ]
    room = MAX_SECTION_TEXT - len(headline) - sum(len(t) + 1 for t in tail) - _MORE_ROOM
    shown: list[str] = []
    for line in errors:
        if len(line) + 1 > room:
            break
        shown.append(line)
        room -= len(line) + 1
    if len(shown) < len(errors):
        more = len(errors) - len(shown)
        shown.append(f"• …and {more} more field error{'s' if more != 1 else ''}.")
    return "\n".join([headline, *shown, *tail])


def _hint(provider: ProviderName, status: int | None) -> str:
    """Plain words on what a refusal status usually means."""
    if status == 401:
        settings = _CREDENTIALS[provider]
        return f"{provider.label} did not accept the bot's credentials: check {settings}."
    if status == 403:
        return f"The {provider.label} API key lacks permission for this incident."
    if status == 404:
        return (
            f"{provider.label} does not know this incident: check the channel's binding "
            "(`/incident-update link`)."
        )
    if status == 429:
        return f"{provider.label} is rate-limiting the bot."
    return ""


def _retrying(provider: ProviderName, outcome: Outcome, next_in: float | None) -> str:
    """A passing failure: what happened and when the bot tries again."""
    said = safe(explain(provider, outcome))
    if next_in is None:
        return f"{said} Will retry."
    wait = f"{math.ceil(max(next_in, 0))} s"
    if isinstance(outcome, Unclear):
        return f"{said} Checking with {provider.label} whether it arrived, then retrying in {wait}."
    return f"{said} Retrying in {wait}."


def _failed(provider: ProviderName, report: DeliveryReport) -> str:
    """A final failure after retries."""
    outcome = report.outcome
    if outcome is None:
        said = f"Delivery to {provider.label} failed."
    else:
        said = safe(explain(provider, outcome))
    plural = "s" if report.attempts != 1 else ""
    return f"{said}\nGave up after {report.attempts} attempt{plural}; nothing more will be sent."
