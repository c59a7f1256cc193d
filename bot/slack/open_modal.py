"""The "Open an incident" form: title, impact, first message, where, components, subscribers."""

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.blocks.blocks import Block

from bot.domain.open_at import TITLE_LIMITS
from bot.domain.operations import Component, Impact
from bot.domain.states import ProviderName
from bot.domain.text import shorten
from bot.slack import ids
from bot.slack.form_seal import FormSeal
from bot.slack.modal import MESSAGE_MAX, modal_view
from bot.slack.modal_notify import notify_block

OPEN_KIND = "open"
"""The `kind` sealed in the form's private_metadata."""

TITLE = "Open an incident"
MAX_OPTIONS = 100
"""Slack lists at most 100 options in a select."""

_OPTION_TEXT_MAX = 75
_OPTION_VALUE_MAX = 150
_NOTE_MAX = 3000

_VENDOR_LABELS = {
    ProviderName.PHARE: "Phare",
    ProviderName.CHECKLY: "Checkly status page",
}
NOWHERE = (
    "There is nowhere to open an incident: neither Phare (PHARE_API_TOKEN) nor a Checkly "
    "status page (CHECKLY_STATUS_PAGE_ID) is set up on this bot."
)
SUBSCRIBERS_HINT = "Checkly emails the page's subscribers that the incident was opened."


def open_view(
    *,
    vendors: frozenset[ProviderName],
    components: Sequence[Component] | str | None,
    notify_default: bool,
    channel_id: str,
    seal: FormSeal,
    title: str = "",
) -> dict[str, Any]:
    """The form (validated by slack_sdk). `components` is the status page's list, or why it
    could not be read, or None when Checkly is not offered; its private_metadata is sealed."""
    offered = tuple(p for p in ProviderName if p in vendors)
    if not offered:
        return _nowhere_view()
    blocks: list[Block] = [
        _title_block(title, offered),
        _impact_block(),
        _message_block(),
        _vendors_block(offered),
    ]
    if ProviderName.CHECKLY in offered:
        blocks.extend(_components_blocks(components))
        blocks.append(notify_block(notify_default, SUBSCRIBERS_HINT))
    sealed = seal.seal({"kind": OPEN_KIND, "channel_id": channel_id})
    return modal_view(ids.OPEN_CALLBACK_ID, TITLE, blocks, submit="Open", sealed=sealed)


def _nowhere_view() -> dict[str, Any]:
    """No vendor can open an incident: say so, with nothing to submit."""
    blocks = [SectionBlock(text=PlainTextObject(text=NOWHERE))]
    return modal_view(ids.OPEN_CALLBACK_ID, TITLE, blocks, submit=None, sealed=None)


def _title_block(title: str, offered: tuple[ProviderName, ...]) -> InputBlock:
    """The title: one line, as long as the most generous vendor offered takes."""
    limit = max(TITLE_LIMITS[p] for p in offered)
    element = PlainTextInputElement(
        action_id=ids.OPEN_TITLE_ACTION,
        initial_value=title[:limit] or None,
        max_length=limit,
        placeholder="e.g. Checkout fails for some customers",
    )
    hint = "At most " + ", ".join(f"{TITLE_LIMITS[p]} characters at {p.label}" for p in offered)
    return InputBlock(
        block_id=ids.OPEN_TITLE_BLOCK, label="Title", element=element, hint=hint + "."
    )


def _impact_option(impact: Impact) -> Option:
    """An impact as a select option."""
    return Option(value=impact.value, text=PlainTextObject(text=impact.label))


def _impact_block() -> InputBlock:
    """How bad it is; unknown until someone knows."""
    element = StaticSelectElement(
        action_id=ids.OPEN_IMPACT_ACTION,
        options=[_impact_option(i) for i in Impact],
        initial_option=_impact_option(Impact.UNKNOWN),
    )
    return InputBlock(block_id=ids.OPEN_IMPACT_BLOCK, label="Impact", element=element)


def _message_block() -> InputBlock:
    """The optional first message; the title stands in when it is empty."""
    element = PlainTextInputElement(
        action_id=ids.OPEN_MESSAGE_ACTION, multiline=True, max_length=MESSAGE_MAX
    )
    return InputBlock(
        block_id=ids.OPEN_MESSAGE_BLOCK,
        label="First message",
        element=element,
        hint="The incident's first update, shown on the public status pages as written. "
        "Empty: the title is used.",
        optional=True,
    )


def _vendor_option(provider: ProviderName) -> Option:
    """A vendor as a checkbox option."""
    return Option(value=provider.value, text=PlainTextObject(text=_VENDOR_LABELS[provider]))


def _vendors_block(offered: tuple[ProviderName, ...]) -> InputBlock:
    """Where to open it: every vendor that can, all ticked."""
    options = [_vendor_option(p) for p in offered]
    element = CheckboxesElement(
        action_id=ids.OPEN_VENDORS_ACTION, options=options, initial_options=options
    )
    return InputBlock(block_id=ids.OPEN_VENDORS_BLOCK, label="Open at", element=element)


def _components_blocks(components: Sequence[Component] | str | None) -> list[Block]:
    """The status page's components to choose from, or a sentence saying why there are none."""
    if components is None:
        return []
    if isinstance(components, str):
        why = shorten(components.strip() or "no reason given", _NOTE_MAX - 200)
        return [_note(f"The Checkly status page's components could not be read: {why}")]
    if not components:
        return [_note("The Checkly status page has no components to mark as affected.")]
    listable = [c for c in components if 0 < len(c.id) <= _OPTION_VALUE_MAX]
    listed = listable[:MAX_OPTIONS]
    blocks: list[Block] = [_components_select(listed)]
    if len(listed) < len(components):
        blocks.append(_left_out_note(len(components), len(listed)))
    return blocks


def _components_select(listed: Sequence[Component]) -> InputBlock:
    """A multi-select of components, optional."""
    element = StaticMultiSelectElement(
        action_id=ids.OPEN_COMPONENTS_ACTION,
        options=[_component_option(c) for c in listed],
        placeholder="Choose components",
    )
    return InputBlock(
        block_id=ids.OPEN_COMPONENTS_BLOCK,
        label="Affected components (Checkly status page)",
        element=element,
        hint="Their status on the page follows the impact chosen above.",
        optional=True,
    )


def _component_option(component: Component) -> Option:
    """A component as an option: its name (cut to Slack's 75 characters), its id as value."""
    name = shorten(component.name.strip() or component.id, _OPTION_TEXT_MAX)
    return Option(value=component.id, text=PlainTextObject(text=name))


def _left_out_note(total: int, listed: int) -> ContextBlock:
    """Components the list could not hold, counted."""
    text = (
        f"The status page has {total} components; only {listed} are listed here "
        f"(Slack lists at most {MAX_OPTIONS}). Mark the others on Checkly's status page."
    )
    return ContextBlock(
        block_id=ids.OPEN_COMPONENTS_NOTE_BLOCK, elements=[PlainTextObject(text=text)]
    )


def _note(text: str) -> SectionBlock:
    """A plain sentence where the components would be."""
    return SectionBlock(
        block_id=ids.OPEN_COMPONENTS_NOTE_BLOCK, text=PlainTextObject(text=text, emoji=False)
    )
