"""The update form: what it holds (Form) and its view, opened or redrawn (pure functions)."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.blocks.blocks import Block
from slack_sdk.models.views import View

from bot.domain.models import Target, Update
from bot.domain.operations import opening_awaited
from bot.domain.records import Binding
from bot.domain.states import NEXT_STATE, ProviderName, State
from bot.domain.templates import DEFAULT_TEMPLATES
from bot.slack import ids
from bot.slack.form import Form, digest, message_block_id
from bot.slack.form_seal import FormSeal
from bot.slack.modal_input import (
    TARGET_BLOCKS,
    ModalErrors,
    ModalInput,
    parse_submission,
    shown_providers,
)
from bot.slack.modal_notify import names_status_page, notify_block
from bot.slack.modal_preview import preview_block

__all__ = [
    "Form",
    "ModalErrors",
    "ModalInput",
    "build_modal",
    "build_view",
    "digest",
    "form_for_update",
    "modal_view",
    "new_form",
    "parse_submission",
    "shown_providers",
]

MESSAGE_MAX = 3000

_TARGET_LABELS = {
    ProviderName.PHARE: "Phare incident id",
    ProviderName.CHECKLY: "Checkly incident",
}
_VENDOR_NAMES = {
    ProviderName.PHARE: "Phare",
    ProviderName.CHECKLY: "Checkly status page",
}
_TARGET_EXAMPLES = {
    ProviderName.PHARE: "e.g. 42",
    ProviderName.CHECKLY: "<incident-uuid>, or <status-page-uuid>/<incident-uuid>",
}
_TARGET_HINTS = {
    ProviderName.PHARE: None,
    ProviderName.CHECKLY: "A dashboard incident's UUID, or a status page's UUID and its "
    "incident's UUID joined by /.",
}


def new_form(
    channel_id: str,
    binding: Binding | None,
    templates: Mapping[State, str] = DEFAULT_TEMPLATES,
) -> Form:
    """The form opened by the command: the next state, its template, the bound incidents."""
    current = binding.current_state if binding is not None else None
    state = NEXT_STATE[current] if current is not None else State.INVESTIGATING
    text = templates[state]
    bound = binding.targets if binding is not None else ()
    return Form(channel_id, state, text, _target_texts(bound), inserted=digest(text))


def form_for_update(channel_id: str | None, update: Update, targets: tuple[Target, ...]) -> Form:
    """A form pre-filled with an earlier update and the given targets (to edit and resend)."""
    return Form(
        channel_id,
        update.state,
        update.content,
        _target_texts(targets),
        update.published_at,
        update.notify_subscribers,
        inserted=digest(update.content),
    )


def _target_texts(targets: tuple[Target, ...]) -> dict[ProviderName, str]:
    """The text each target field starts with."""
    return {t.provider: t.incident_id for t in targets}


def build_modal(
    channel_id: str,
    binding: Binding | None,
    providers_on: frozenset[ProviderName],
    *,
    seal: FormSeal,
    templates: Mapping[State, str] = DEFAULT_TEMPLATES,
    notify_default: bool = False,
) -> dict[str, Any]:
    """The form for one channel, pre-filled from its binding and the state's template."""
    form = new_form(channel_id, binding, templates)
    return build_view(form, providers_on, seal, notify_default)


def build_view(
    form: Form, providers_on: frozenset[ProviderName], seal: FormSeal, notify_default: bool = False
) -> dict[str, Any]:
    """The modal view for a form (validated by slack_sdk); the same ids each time it is drawn;
    its private_metadata sealed. The subscriber checkbox shows while a status-page incident is
    named, ticked as the form last had it, else as `notify_default` says."""
    providers = shown_providers(providers_on)
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                PlainTextObject(text="Goes to the incidents below; clear a field to leave one out.")
            ]
        ),
        state_block(form.state),
        message_block(form),
        preview_block(form.state, form.message, form.targets, providers, form.published_at),
    ]
    awaited = {p: t for p, t in form.targets.items() if opening_awaited(t) is not None}
    blocks.extend(
        _being_opened_block(p) if p in awaited else _target_block(p, form.targets.get(p))
        for p in providers
    )
    blocks.append(_published_at_block(form.published_at))
    if ProviderName.CHECKLY in providers and names_status_page(form.targets):
        checked = form.notify_subscribers
        blocks.append(notify_block(notify_default if checked is None else checked))
    metadata: dict[str, Any] = {
        "channel_id": form.channel_id,
        "inserted": form.inserted,
        "revision": form.revision,
    }
    if awaited:
        metadata["awaited"] = {p.value: t for p, t in awaited.items()}
    return modal_view(
        ids.MODAL_CALLBACK_ID,
        "Incident update",
        blocks,
        submit="Publish",
        sealed=seal.seal(metadata),
    )


def modal_view(
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
    *,
    submit: str | None,
    sealed: str | None,
) -> dict[str, Any]:
    """A modal (validated by slack_sdk) with Cancel, or Close when nothing can be submitted."""
    view = View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit) if submit is not None else None,
        close=PlainTextObject(text="Cancel" if submit is not None else "Close"),
        blocks=blocks,
        private_metadata=sealed,
    )
    return view.to_dict()


def _option(state: State) -> Option:
    """A state as a select option."""
    return Option(value=state.value, text=PlainTextObject(text=state.value.capitalize()))


def state_block(
    selected: State, offered: Sequence[State] = tuple(State), *, redraws: bool = True
) -> InputBlock:
    """The state select (none chosen when `selected` is not offered); with `redraws`, choosing
    one redraws the template and the preview."""
    element = StaticSelectElement(
        action_id=ids.STATE_ACTION,
        options=[_option(s) for s in offered],
        initial_option=_option(selected) if selected in offered else None,
    )
    return InputBlock(
        block_id=ids.STATE_BLOCK, label="State", element=element, dispatch_action=redraws
    )


def message_block(form: Form) -> InputBlock:
    """The message, multiline, as long as one Slack field allows."""
    element = PlainTextInputElement(
        action_id=ids.MESSAGE_ACTION,
        multiline=True,
        max_length=MESSAGE_MAX,
        initial_value=form.message[:MESSAGE_MAX] or None,
    )
    hint = "Shown on the public status pages as written."
    return InputBlock(
        block_id=message_block_id(form.revision), label="Message", element=element, hint=hint
    )


def _target_block(provider: ProviderName, incident_id: str | None) -> InputBlock:
    """One provider's incident id, editable, optional; Enter redraws the preview."""
    block_id, action_id = TARGET_BLOCKS[provider]
    element = PlainTextInputElement(
        action_id=action_id,
        initial_value=incident_id or None,
        placeholder=_TARGET_EXAMPLES[provider],
        max_length=100,
        dispatch_action_config={"trigger_actions_on": ["on_enter_pressed"]},
    )
    return InputBlock(
        block_id=block_id,
        label=_TARGET_LABELS[provider],
        element=element,
        hint=_TARGET_HINTS[provider],
        optional=True,
        dispatch_action=True,
    )


def _being_opened_block(provider: ProviderName) -> ContextBlock:
    """A vendor whose incident is still being opened: no id to edit; the update waits for it."""
    text = (
        f"{_VENDOR_NAMES[provider]}: the incident is being opened. This update goes to it "
        "as soon as it is open."
    )
    return ContextBlock(elements=[PlainTextObject(text=text)])


def _published_at_block(published_at: datetime | None) -> InputBlock:
    """The optional publish time (Phare incidents, Checkly status-page incidents); picking
    one redraws the preview, which says where it shows."""
    initial = int(published_at.timestamp()) if published_at is not None else None
    element = DateTimePickerElement(action_id=ids.PUBLISHED_AT_ACTION, initial_date_time=initial)
    hint = (
        "Shown as the update's time on Phare and on Checkly status pages (not on Checkly "
        "dashboards). Leave empty for now."
    )
    return InputBlock(
        block_id=ids.PUBLISHED_AT_BLOCK,
        label="Publish time",
        element=element,
        hint=hint,
        optional=True,
        dispatch_action=True,
    )
