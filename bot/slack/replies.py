"""What only the caller of `/incident-update` sees: help, status, confirmations, errors (pure)."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from bot.domain.models import Accepted, DeliveryStatus, Refused, Retry, Target, Unclear
from bot.domain.open_at import place_label
from bot.domain.operations import Operation
from bot.domain.records import Binding, ChannelStatus, DeliveryReport, StoredUpdate
from bot.domain.states import PROVIDER_STATES, STATUS_PAGE_STATES, ProviderName, State
from bot.domain.text import escape_mrkdwn, shorten
from bot.domain.validation import FieldError
from bot.slack.ids import COMMAND
from bot.slack.receipts import target_label

_VALID_STATES = ", ".join(f"`{s.value}`" for s in State)
_SHOWN_CONTENT = 300


def _targets(targets: Iterable[Target]) -> str:
    """Targets as `Phare incident `42`, Checkly status-page incident `<page>/<id>``; one still
    being opened as `Phare incident (being opened)`."""
    ordered = sorted(targets, key=lambda t: list(ProviderName).index(t.provider))
    return ", ".join(target_label(t) for t in ordered) or "none"


def _when(moment: datetime | None) -> str:
    """A time people read anywhere: Slack's date token with a UTC fallback."""
    if moment is None:
        return "never"
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def help_text(reactions: Mapping[str, State]) -> str:
    """Usage of every subcommand, the states, and the reaction emoji."""
    emoji = ", ".join(f":{name}: {state.value}" for name, state in reactions.items())
    phare = ", ".join(s.value for s in PROVIDER_STATES[ProviderName.PHARE])
    checkly = ", ".join(s.value for s in PROVIDER_STATES[ProviderName.CHECKLY])
    pages = ", ".join(s.value for s in STATUS_PAGE_STATES)
    return "\n".join(
        [
            f"*{COMMAND}* publishes status-page updates to Phare and Checkly.",
            f"• `{COMMAND}` — open the update form",
            f"• `{COMMAND} open &lt;title&gt;` — open a new incident at every vendor set up "
            "for it, bind this channel to it and post its status card",
            f"• `{COMMAND} &lt;state&gt; &lt;message&gt;` — publish at once to this channel's "
            "incidents",
            f"• `{COMMAND} link phare:&lt;id&gt; checkly:&lt;uuid&gt;` — bind this channel "
            "(either or both); a Checkly status-page incident is "
            "`checkly:&lt;status-page-uuid&gt;/&lt;incident-uuid&gt;`",
            f"• `{COMMAND} unlink [phare|checkly]` — remove a binding (both when none named)",
            f"• `{COMMAND} status` — bindings, current state, latest results",
            f"• `{COMMAND} help` — this text",
            f"States: {_VALID_STATES}. Phare has {phare}; Checkly dashboard incidents have "
            f"{checkly}; Checkly status-page incidents have {pages}.",
            f"Reactions in the incident thread: {emoji or 'none configured'}.",
        ]
    )


def not_bound() -> str:
    """The channel has no incident to publish to."""
    return (
        "This channel is not linked to any incident yet. Link it first: "
        f"`{COMMAND} link phare:&lt;id&gt; checkly:&lt;uuid&gt;` (either or both), "
        f"or open the form with `{COMMAND}` and name the incidents there."
    )


def unknown_word(word: str) -> str:
    """The first word is neither a subcommand nor a state."""
    return (
        f"`{escape_mrkdwn(shorten(word, 40))}` is not a state or a subcommand. "
        f"Valid states: {_VALID_STATES}. "
        "Subcommands: `open`, `link`, `unlink`, `status`, `help`."
    )


def malformed(problem: str) -> str:
    """A subcommand used wrongly, in the words of the parser."""
    return escape_mrkdwn(problem)


def not_published(errors: Sequence[FieldError]) -> str:
    """Validation refused the update: nothing was sent."""
    lines = [f"• {escape_mrkdwn(error.message)}" for error in errors]
    return "\n".join(["Nothing was sent:", *lines])


def provider_off(provider: ProviderName) -> str:
    """A provider the bot has no credentials for."""
    variable = "PHARE_API_TOKEN" if provider is ProviderName.PHARE else "CHECKLY_API_KEY"
    return f"{provider.label} is not set up on this bot ({variable} is unset). Nothing was changed."


def published(stored: StoredUpdate) -> str:
    """The update is stored and on its way."""
    submission = stored.submission
    update = submission.update
    head = (
        f"Update #{stored.id} was already stored"
        if stored.duplicate
        else f"Stored update #{stored.id}"
    )
    text = [f"{head} (*{update.state.value}*), going out to {_targets(submission.targets)}."]
    if submission.skipped:
        text.append(f"Skipped (state not offered there): {_targets(submission.skipped)}.")
    text.append("The incident thread will show what each provider answers.")
    return " ".join(text)


def already_published(earlier: StoredUpdate) -> str:
    """The same command came again within a minute: nothing new is sent."""
    seconds = max(0, int((datetime.now(UTC) - earlier.created_at).total_seconds()))
    ago = "a few seconds" if seconds < 10 else f"{seconds} seconds"
    state = earlier.submission.update.state.value
    return (
        f"Already published this {ago} ago (update #{earlier.id}, *{state}*, to "
        f"{_targets(earlier.submission.targets)}), so it was not sent again. "
        "The incident thread shows what each provider answers."
    )


def linked(binding: Binding) -> str:
    """The channel's binding after `link`."""
    return f"This channel now publishes to {_targets(binding.targets)}."


def unlinked(provider: ProviderName | None, left: Binding | None) -> str:
    """What `unlink` removed and what is left."""
    removed = provider.label if provider is not None else "every provider"
    if left is None or not left.targets:
        return f"Unlinked {removed}. This channel is no longer linked to any incident."
    return f"Unlinked {removed}. Still linked: {_targets(left.targets)}."


def store_unavailable() -> str:
    """The database did not answer in time; say what may or may not have happened."""
    return (
        "The bot's database did not answer in time, so this may not have been saved. "
        f"Check `{COMMAND} status` before trying again."
    )


def not_allowed() -> str:
    """The caller may not publish or change bindings."""
    return "You are not on the list of people allowed to publish status updates with this bot."


def status_text(status: ChannelStatus) -> str:
    """Bindings, current state, last update, latest delivery per provider."""
    binding = status.binding
    if binding is None or not binding.targets:
        return not_bound()
    state = binding.current_state.value if binding.current_state else "none yet"
    lines = [f"*Linked:* {_targets(binding.targets)}", f"*Current state:* {state}"]
    last = status.last_update
    if last is None:
        lines.append("*Last update:* none yet")
    else:
        update = last.submission.update
        by = f" by <@{last.submission.author}>" if last.submission.author else ""
        content = escape_mrkdwn(shorten(update.content, _SHOWN_CONTENT))
        when = _when(status.last_update_at or last.created_at)
        lines.append(f"*Last update:* #{last.id} {update.state.value}{by}, {when}: {content}")
    lines.extend(f"• {_delivery(report)}" for report in status.latest_deliveries)
    return "\n".join(lines)


def _delivery(report: DeliveryReport) -> str:
    """One provider's latest delivery in a line (an opening names where, a recovery says so)."""
    target = report.target
    if report.operation is Operation.OPEN:
        head = f"Opening at {escape_mrkdwn(place_label(target))} (update #{report.update.id})"
        opened = report.provider_update_id
        if report.status is DeliveryStatus.ACCEPTED and opened is not None:
            return f"{head}: opened `{escape_mrkdwn(f'{target.provider.value}:{opened}')}`"
    else:
        recovery = "Recovery of " if report.operation is Operation.RECOVER else ""
        head = f"{recovery}{target_label(target)} (update #{report.update.id})"
    return f"{head}: {escape_mrkdwn(_delivery_state(report))}"


def _delivery_state(report: DeliveryReport) -> str:
    """What happened to a delivery, in plain words."""
    outcome = report.outcome
    if report.status is DeliveryStatus.ACCEPTED:
        return f"accepted (provider update {report.provider_update_id or '?'})"
    if report.status is DeliveryStatus.SKIPPED:
        return f"skipped: {report.skipped_reason or 'state not offered'}"
    if isinstance(outcome, Refused):
        code = f" {outcome.status}" if outcome.status else ""
        return f"refused{code}: {shorten(outcome.message, 200)}"
    if report.status is DeliveryStatus.FAILED:
        reason = outcome.reason if isinstance(outcome, Retry | Unclear) else "gave up"
        return f"failed after {report.attempts} attempts: {reason}"
    if isinstance(outcome, Retry | Unclear):
        wait = f" in {report.next_attempt_in:.0f} s" if report.next_attempt_in else ""
        return f"not yet delivered ({outcome.reason}); retrying{wait}"
    if isinstance(outcome, Accepted):
        return f"accepted (provider update {outcome.provider_update_id})"
    return "waiting to be sent"


def modal_failed(reason: str) -> str:
    """The form could not be opened."""
    return (
        f"The update form could not open ({why_not_opened(reason)}). Run `{COMMAND}` again, "
        f"or publish directly with `{COMMAND} &lt;state&gt; &lt;message&gt;`."
    )


def why_not_opened(reason: str) -> str:
    """Why Slack did not open a form, from its error code (or `timeout`)."""
    if reason in {"expired_trigger_id", "exchanged_trigger_id", "timeout"}:
        return "Slack allows only 3 seconds to open it and that passed"
    return f"Slack answered `{escape_mrkdwn(reason)}`"
