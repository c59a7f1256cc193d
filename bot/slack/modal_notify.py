"""The form's "notify subscribers" checkbox: shown only when a status-page incident is named."""

from collections.abc import Mapping

from slack_sdk.models.blocks import CheckboxesElement, InputBlock, Option, PlainTextObject

from bot.domain.ids import InvalidId
from bot.domain.states import ProviderName
from bot.slack import ids
from bot.slack.form_targets import form_target

_NOTIFY = Option(
    value=ids.NOTIFY_VALUE, text=PlainTextObject(text="Notify the status page's subscribers")
)


def names_status_page(target_texts: Mapping[ProviderName, str]) -> bool:
    """Whether the Checkly field holds a status-page incident (`<page-uuid>/<incident-uuid>`)."""
    text = target_texts.get(ProviderName.CHECKLY)
    if text is None:
        return False
    try:
        return form_target(ProviderName.CHECKLY, text).on_status_page
    except InvalidId:
        return False


UPDATE_HINT = "Checkly emails the page's subscribers about this update."


def notify_block(checked: bool, hint: str = UPDATE_HINT) -> InputBlock:
    """The checkbox, ticked or not, with a hint saying what ticking it does."""
    element = CheckboxesElement(
        action_id=ids.NOTIFY_ACTION,
        options=[_NOTIFY],
        initial_options=[_NOTIFY] if checked else None,
    )
    return InputBlock(
        block_id=ids.NOTIFY_BLOCK,
        label="Subscribers (Checkly status page)",
        element=element,
        hint=hint,
        optional=True,
    )
