"""The thread of an incident opened from Slack: its new card, and the receipts for opening
it and for recovering it after a resolve."""

import math
from collections.abc import Sequence

from bot.domain.explain import explain, opening_left
from bot.domain.models import DeliveryStatus, Refused, Target, Unclear
from bot.domain.open_at import place_label
from bot.domain.operations import Operation
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName
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
from bot.slack.messages import state_title
from bot.slack.receipts import target_label

_SHOWN_FIELD_ERRORS = 10
_QUOTE_LIMIT = 2500


def is_opening(update: StoredUpdate) -> bool:
    """Whether the update opens an incident (its card and receipts are the ones here)."""
    return update.submission.operation is Operation.OPEN


def speaks_for(report: DeliveryReport) -> bool:
    """Whether the report's receipt is made here (an opening or a recovery)."""
    return report.operation in {Operation.OPEN, Operation.RECOVER}


def opening_card(update: StoredUpdate, reports: Sequence[DeliveryReport] = ()) -> SlackMessage:
    """The new incident's status card: its title, who opened it, and each vendor's incident."""
    sub = update.submission
    mine = {
        r.target.provider: r
        for r in reports
        if r.update.id == update.id and r.operation is Operation.OPEN
    }
    lines = [_place_line(where, mine.get(where.provider)) for where in sub.targets]
    blocks = [
        section(f"*Incident status:* {state_title(sub.update.state)}"),
        *_opening_blocks(update, _verb(list(mine.values()), len(sub.targets))),
        section("\n".join(lines) or "• no vendor"),
    ]
    return SlackMessage(fallback(_headline(update, "Opening")), blocks)


def opening_announcement(update: StoredUpdate) -> SlackMessage:
    """A thread reply announcing an opening (when the channel's card was already there)."""
    return SlackMessage(fallback(_headline(update, "Opening")), _opening_blocks(update, "Opening"))


def _opening_blocks(update: StoredUpdate, verb: str) -> list[Block]:
    """The headline, the first message when one was given, and when."""
    opening = update.submission.opening
    message = opening.message if opening is not None else None
    blocks = [section(f":rotating_light: {_headline(update, verb)}")]
    if message:
        blocks.append(section(quote(message, _QUOTE_LIMIT)))
    blocks.append(context(when(update.created_at)))
    return blocks


def _headline(update: StoredUpdate, verb: str) -> str:
    """`Opening *<title>* at Phare and Checkly — by <@U1>`, safe for mrkdwn."""
    sub = update.submission
    title = sub.opening.title if sub.opening is not None else sub.update.content
    places = " and ".join(dict.fromkeys(t.provider.label for t in sub.targets)) or "no vendor"
    return f"{verb} *{safe(title, 500)}* at {places} — by {person(sub.author)}"


def _verb(reports: Sequence[DeliveryReport], places: int) -> str:
    """Opening while any vendor has not answered for good; then Opened, or Could not open."""
    if len(reports) < places or not all(r.status.is_final for r in reports):
        return "Opening"
    if any(r.status is DeliveryStatus.ACCEPTED for r in reports):
        return "Opened"
    return "Could not open"


def _place_line(where: Target, report: DeliveryReport | None) -> str:
    """One vendor: the incident opened there, or how its opening stands."""
    place = _place(where)
    if report is None or report.status in {DeliveryStatus.PENDING, DeliveryStatus.IN_FLIGHT}:
        retrying = report is not None and report.outcome is not None
        return f"• {place}: {':repeat: retrying' if retrying else ':outbox_tray: opening'}"
    if report.status is DeliveryStatus.ACCEPTED and report.provider_update_id is not None:
        opened = Target(where.provider, report.provider_update_id)
        return f"• {target_label(opened)}: :white_check_mark: opened"
    if report.status is DeliveryStatus.SKIPPED:
        return f"• {place}: :fast_forward: not opened"
    return f"• {place}: :x: not opened (see thread)"


def _place(where: Target) -> str:
    """Where an incident opens, safe for mrkdwn: `Phare`, `Checkly status page `<uuid>``."""
    if where.provider is ProviderName.CHECKLY and where.incident_id:
        return f"Checkly status page `{safe(where.incident_id, 100)}`"
    return safe(place_label(where), 100)


def operation_receipt(report: DeliveryReport) -> SlackMessage:
    """What a vendor made of opening an incident, or of recovering one, as a thread reply."""
    opening = report.operation is Operation.OPEN
    icon, body = _opening_body(report) if opening else _recovery_body(report)
    subject = "Opening" if opening else f"Recovery of the {target_label(report.target)}"
    attempts = f"attempt {report.attempts}" if report.attempts else ""
    blocks = [section(f"{icon} {body}"), context(f"{subject} · #{report.update.id}", attempts)]
    first_line = body.split("\n", 1)[0]
    return SlackMessage(fallback(f"{report.target.provider.label}: {first_line}"), blocks)


def _opening_body(report: DeliveryReport) -> tuple[str, str]:
    """The icon and mrkdwn for an opening's status."""
    provider, status = report.target.provider, report.status
    if status is DeliveryStatus.ACCEPTED:
        opened = Target(provider, report.provider_update_id or "?")
        return ":white_check_mark:", f"Opened at {provider.label}: `{safe(str(opened), 200)}`"
    if status is DeliveryStatus.SKIPPED:
        reason = report.skipped_reason or "it was left out."
        return ":fast_forward:", f"Not opened at {_place(report.target)}: {safe(reason)}"
    left = opening_left(provider, status, report.outcome)
    return _unfinished(report, f"Opening at {_place(report.target)}", left)


def _recovery_body(report: DeliveryReport) -> tuple[str, str]:
    """The icon and mrkdwn for a recovery's status."""
    incident = target_label(report.target)
    if report.status is DeliveryStatus.ACCEPTED:
        return ":white_check_mark:", f"Recovered the {incident}."
    if report.status is DeliveryStatus.SKIPPED:
        reason = report.skipped_reason or "it was left out"
        return ":fast_forward:", f"The {incident} was not recovered ({safe(reason)})."
    label = report.target.provider.label
    ending = f"The resolved update was published; the incident may still be open at {label}."
    icon, body = _unfinished(report, f"Recovering the {incident}", ending)
    return (":warning:" if icon == ":x:" else icon), body


def _unfinished(report: DeliveryReport, doing: str, ending: str) -> tuple[str, str]:
    """Refused (in the vendor's words), failed for good, retrying, or on its way."""
    provider, outcome = report.target.provider, report.outcome
    if report.status is DeliveryStatus.REFUSED and isinstance(outcome, Refused):
        return ":x:", _refusal(provider, outcome, report.operation, ending)
    if report.status is DeliveryStatus.FAILED:
        said = safe(explain(provider, outcome, report.operation)) if outcome else "It failed."
        plural = "s" if report.attempts != 1 else ""
        return ":x:", f"{said}\nGave up after {report.attempts} attempt{plural}. {ending}"
    if outcome is None:
        return ":outbox_tray:", f"{doing}…"
    said = safe(explain(provider, outcome, report.operation))
    next_in = report.next_attempt_in
    wait = "" if next_in is None else f" in {math.ceil(max(next_in, 0))} s"
    if isinstance(outcome, Unclear):
        return ":repeat:", f"{doing}: {said} Checking with {provider.label} before retrying{wait}."
    return ":repeat:", f"{doing}: {said} Retrying{wait}."


def _refusal(provider: ProviderName, outcome: Refused, operation: Operation, ending: str) -> str:
    """The vendor's own words, each field error on its line, a hint, and what it means."""
    headline = safe(explain(provider, Refused(outcome.status, outcome.message), operation), 1000)
    errors = [
        f"• `{safe(name, 100)}`: {safe(text, 300)}"
        for name, texts in outcome.field_errors.items()
        for text in texts
    ]
    shown = errors[:_SHOWN_FIELD_ERRORS]
    if len(errors) > len(shown):
        shown.append(f"• …and {len(errors) - len(shown)} more.")
    hint = _hint(provider, outcome.status)
    return "\n".join([headline, *shown, *([hint] if hint else []), f"_Not retried. {ending}_"])


def _hint(provider: ProviderName, status: int | None) -> str:
    """Plain words on what a refusal status usually means here."""
    if status == 401:
        return f"{provider.label} did not accept the bot's credentials (`incident-bot doctor`)."
    if status == 403:
        return f"The {provider.label} API key lacks the permission this needs."
    return ""
