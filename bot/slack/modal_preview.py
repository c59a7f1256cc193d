"""The preview under the form's message: what each chosen incident's vendor will receive."""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.domain.ids import InvalidId
from bot.domain.models import Target
from bot.domain.preview import TargetPreview, preview
from bot.domain.states import ProviderName, State
from bot.domain.targets import states_of, takes_publish_time
from bot.slack import ids
from bot.slack.blocks import safe
from bot.slack.form_targets import form_target

HEADING = (
    "*Preview* · refreshed when you change the state or the publish time, or press Enter in an "
    "incident field"
)
NO_TARGET = "Nothing will be sent until an incident is filled in below."


def preview_block(
    state: State,
    message: str,
    target_texts: Mapping[ProviderName, str],
    providers: Sequence[ProviderName],
    published_at: datetime | None = None,
) -> ContextBlock:
    """A context block: a heading, then one line per incident field that holds something."""
    lines = [
        _line(state, message, p, target_texts[p], published_at)
        for p in providers
        if p in target_texts
    ]
    elements = [MarkdownTextObject(text=text) for text in [HEADING, *(lines or [NO_TARGET])]]
    return ContextBlock(block_id=ids.PREVIEW_BLOCK, elements=elements)


def _line(
    state: State, message: str, provider: ProviderName, text: str, published_at: datetime | None
) -> str:
    """One incident's line: what it receives, or why it cannot."""
    try:
        target = form_target(provider, text)
    except InvalidId:
        return f":warning: {provider.label}: `{safe(text, 100)}` is not an incident id."
    [shown] = preview(state, message, [target])
    return describe(shown) + _shown_time(target, published_at)


def _shown_time(target: Target, published_at: datetime | None) -> str:
    """Whether the chosen publish time is shown there (Phare, Checkly status pages) or not."""
    if published_at is None:
        return ""
    if not takes_publish_time(target):
        return " · takes no publish time: shown as posted now"
    stamp = int(published_at.timestamp())
    fallback = published_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f" · shown as posted <!date^{stamp}^{{date_short_pretty}} {{time}}|{fallback}>"


def describe(shown: TargetPreview) -> str:
    """`Phare incident `42` receives `monitoring` · 42 / 10,000 characters`."""
    named = f"`{safe(shown.target.incident_id, 100)}`"
    if shown.target.awaited_opening is not None:
        named = "(being opened)"
    label = f"{shown.target.kind} {named}"
    if shown.state_word is None:
        offered = ", ".join(s.value for s in states_of(shown.target))
        return f":no_entry: {label} has no such state (it has: {offered}): nothing is sent there."
    count = f"{shown.length:,}"
    if shown.limit is None:
        size = f"{count} characters"
    else:
        size = f"{count} / {shown.limit:,} characters"
        if shown.too_long:
            size = f":warning: {size}"
    return f"{label} receives `{shown.state_word}` · {size}"
