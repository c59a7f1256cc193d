"""The form that edits one published update in place at its one target, and its submission."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject
from slack_sdk.models.blocks.blocks import Block

from bot.domain.ids import InvalidId, parse_target
from bot.domain.models import Target, Update
from bot.domain.states import State
from bot.domain.targets import states_of
from bot.domain.validation import Field, validate
from bot.slack import ids
from bot.slack.blocks import safe
from bot.slack.form import Form
from bot.slack.form_seal import UNVERIFIED, FormSeal, sealed_context
from bot.slack.modal import MESSAGE_MAX, message_block, modal_view, state_block
from bot.slack.modal_input import (
    entered_message,
    joined_errors,
    selected_state,
    view_values,
)
from bot.slack.receipts import target_label

EDIT_KIND = "edit"
"""The `kind` sealed in the form's private_metadata."""


@dataclass(frozen=True)
class EditForm:
    """A submitted edit: the update's new state and text, for the delivery that published it."""

    update: Update
    delivery_id: int
    receipt_ts: str | None = None


def edit_view(
    *,
    target: Target,
    state: State,
    content: str,
    delivery_id: int,
    seal: FormSeal,
    provider_update_id: str | None = None,
    receipt_ts: str | None = None,
) -> dict[str, Any]:
    """The update form pre-filled with the update's state and text, offering the states the
    target takes and no incident field; its delivery, target and receipt message sealed in
    private_metadata."""
    form = Form(None, state, content)
    blocks: list[Block] = [
        _about(target, provider_update_id),
        state_block(state, states_of(target), redraws=False),
        message_block(form),
    ]
    if len(content) > MESSAGE_MAX:
        blocks.append(_cut_note(len(content)))
    context = {"kind": EDIT_KIND, "delivery_id": delivery_id, "target": str(target)}
    sealed = seal.seal(context | ({"receipt_ts": receipt_ts} if receipt_ts else {}))
    return modal_view(ids.EDIT_CALLBACK_ID, "Edit update", blocks, submit="Save", sealed=sealed)


def _about(target: Target, provider_update_id: str | None) -> ContextBlock:
    """What the form changes, and where."""
    which = f"update `{safe(provider_update_id, 100)}`" if provider_update_id else "this update"
    text = (
        f"Changes {which} at {target_label(target)} in place. "
        "The incident thread says who changed what."
    )
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _cut_note(length: int) -> ContextBlock:
    """The update is longer than a Slack field holds: saving keeps only what the field shows."""
    text = (
        f":warning: This update has {length:,} characters; a Slack form holds {MESSAGE_MAX:,}. "
        "Saving replaces the whole text with what the message field holds."
    )
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def read_edit_submission(
    view: Mapping[str, Any], *, seal: FormSeal
) -> EditForm | Mapping[str, str]:
    """The new state and text, or block id → message for `response_action: errors` (empty,
    too long for the vendor, a state it lacks). A form whose seal does not hold is refused."""
    values = view_values(view)
    message_block_id, content = entered_message(values)
    sealed = _sealed(view, seal)
    if sealed is None:
        return {message_block_id: UNVERIFIED}
    delivery_id, target, receipt_ts = sealed
    state = selected_state(values)
    update = Update(state or states_of(target)[0], content)
    blocks = {Field.STATE: ids.STATE_BLOCK, Field.CONTENT: message_block_id}
    errors: dict[str, list[str]] = {ids.STATE_BLOCK: ["Choose a state."]} if state is None else {}
    for error in validate(update, [target]):
        if state is None and error.field is Field.STATE:
            continue
        errors.setdefault(blocks.get(error.field, message_block_id), []).append(error.message)
    if errors:
        return {block: joined_errors(messages) for block, messages in errors.items()}
    return EditForm(update, delivery_id, receipt_ts)


def _sealed(view: Mapping[str, Any], seal: FormSeal) -> tuple[int, Target, str | None] | None:
    """The delivery id, target and receipt message the form was opened for, if the seal
    holds."""
    context = sealed_context(view, seal, EDIT_KIND)
    if context is None:
        return None
    delivery_id, written = context.get("delivery_id"), context.get("target")
    if not isinstance(delivery_id, int) or delivery_id <= 0 or not isinstance(written, str):
        return None
    receipt_ts = context.get("receipt_ts")
    try:
        target = parse_target(written)
    except InvalidId:
        return None
    return delivery_id, target, receipt_ts if isinstance(receipt_ts, str) else None
