"""The preview under the form's message: what each chosen incident's vendor will receive."""

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.domain.ids import InvalidId
from bot.domain.preview import TargetPreview, preview
from bot.domain.states import PROVIDER_STATES, ProviderName, State
from bot.slack import ids
from bot.slack.blocks import safe
from bot.slack.modal_input import parse_target_text

HEADING = "*Preview* · refreshed when you change the state, or press Enter in an incident field"
NO_TARGET = "Nothing will be sent until an incident is filled in below."


def preview_block(
    state: State,
    message: str,
    target_texts: Mapping[ProviderName, str],
    providers: Sequence[ProviderName],
) -> ContextBlock:
    """A context block: a heading, then one line per incident field that holds something."""
    lines = [_line(state, message, p, target_texts[p]) for p in providers if p in target_texts]
    elements = [MarkdownTextObject(text=text) for text in [HEADING, *(lines or [NO_TARGET])]]
    return ContextBlock(block_id=ids.PREVIEW_BLOCK, elements=elements)


def _line(state: State, message: str, provider: ProviderName, text: str) -> str:
    """One incident's line: what it receives, or why it cannot."""
    try:
        target = parse_target_text(provider, text)
    except InvalidId:
        return f":warning: {provider.label}: `{safe(text, 100)}` is not an incident id."
    [shown] = preview(state, message, [target])
    return describe(shown)


def describe(shown: TargetPreview) -> str:
    """`Phare incident `42` receives `monitoring` · 42 / 10,000 characters`."""
    provider = shown.target.provider
    label = f"{provider.label} incident `{safe(shown.target.incident_id, 100)}`"
    if shown.state_word is None:
        offered = ", ".join(s.value for s in PROVIDER_STATES[provider])
        return f":no_entry: {label} has no such state (it has: {offered}): nothing is sent there."
    count = f"{shown.length:,}"
    if shown.limit is None:
        size = f"{count} characters"
    else:
        size = f"{count} / {shown.limit:,} characters"
        if shown.too_long:
            size = f":warning: {size}"
    return f"{label} receives `{shown.state_word}` · {size}"
