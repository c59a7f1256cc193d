"""The update form: build its view and read a submission back (pure functions)."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
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

from bot.domain.ids import InvalidId, parse_incident_id
from bot.domain.models import Target, Update
from bot.domain.states import NEXT_STATE, ProviderName, State
from bot.domain.validation import Field, FieldError, validate
from bot.slack import ids
from bot.store.records import Binding

MESSAGE_MAX = 3000
ERROR_MAX = 300

_TARGET_BLOCKS: Mapping[ProviderName, tuple[str, str]] = {
    ProviderName.PHARE: (ids.PHARE_BLOCK, ids.PHARE_ACTION),
    ProviderName.CHECKLY: (ids.CHECKLY_BLOCK, ids.CHECKLY_ACTION),
}
_TARGET_LABELS = {
    ProviderName.PHARE: "Phare incident id",
    ProviderName.CHECKLY: "Checkly incident UUID",
}
_TARGET_EXAMPLES = {
    ProviderName.PHARE: "e.g. 42",
    ProviderName.CHECKLY: "e.g. 0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d",
}


@dataclass(frozen=True)
class ModalInput:
    """A submission that may be published."""

    channel_id: str | None
    update: Update
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class ModalErrors:
    """Problems to show under the form's fields, keyed by block id; nothing is sent."""

    errors: Mapping[str, str]


def shown_providers(providers_on: frozenset[ProviderName]) -> tuple[ProviderName, ...]:
    """The providers whose fields the form shows: those set up, or both when none is."""
    return tuple(p for p in ProviderName if p in providers_on) or tuple(ProviderName)


def build_modal(
    channel_id: str, binding: Binding | None, providers_on: frozenset[ProviderName]
) -> dict[str, Any]:
    """The form for one channel, pre-filled from its binding (validated by slack_sdk)."""
    current = binding.current_state if binding is not None else None
    bound = {t.provider: t.incident_id for t in binding.targets} if binding is not None else {}
    providers = shown_providers(providers_on)
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                PlainTextObject(text="Goes to the incidents below; clear a field to leave one out.")
            ]
        ),
        _state_block(NEXT_STATE[current] if current is not None else State.INVESTIGATING),
        _message_block(),
    ]
    blocks.extend(_target_block(p, bound.get(p)) for p in providers)
    if ProviderName.PHARE in providers:
        blocks.append(_published_at_block())
    view = View(
        type="modal",
        callback_id=ids.MODAL_CALLBACK_ID,
        title=PlainTextObject(text="Incident update"),
        submit=PlainTextObject(text="Publish"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
        private_metadata=json.dumps({"channel_id": channel_id}),
    )
    return view.to_dict()


def _option(state: State) -> Option:
    """A state as a select option."""
    return Option(value=state.value, text=PlainTextObject(text=state.value.capitalize()))


def _state_block(selected: State) -> InputBlock:
    """The state select, with the next state pre-selected."""
    element = StaticSelectElement(
        action_id=ids.STATE_ACTION,
        options=[_option(s) for s in State],
        initial_option=_option(selected),
    )
    return InputBlock(block_id=ids.STATE_BLOCK, label="State", element=element)


def _message_block() -> InputBlock:
    """The message, multiline, as long as one Slack field allows."""
    element = PlainTextInputElement(
        action_id=ids.MESSAGE_ACTION, multiline=True, max_length=MESSAGE_MAX
    )
    hint = "Shown on the public status pages as written."
    return InputBlock(block_id=ids.MESSAGE_BLOCK, label="Message", element=element, hint=hint)


def _target_block(provider: ProviderName, incident_id: str | None) -> InputBlock:
    """One provider's incident id, pre-filled from the binding, editable, optional."""
    block_id, action_id = _TARGET_BLOCKS[provider]
    element = PlainTextInputElement(
        action_id=action_id,
        initial_value=incident_id,
        placeholder=_TARGET_EXAMPLES[provider],
        max_length=100,
    )
    label = _TARGET_LABELS[provider]
    return InputBlock(block_id=block_id, label=label, element=element, optional=True)


def _published_at_block() -> InputBlock:
    """Phare's optional publish time."""
    element = DateTimePickerElement(action_id=ids.PUBLISHED_AT_ACTION)
    hint = "Phare only. Leave empty to publish now."
    return InputBlock(
        block_id=ids.PUBLISHED_AT_BLOCK,
        label="Publish time (Phare)",
        element=element,
        hint=hint,
        optional=True,
    )


_FIELD_BLOCKS: Mapping[Field, str] = {
    Field.STATE: ids.STATE_BLOCK,
    Field.CONTENT: ids.MESSAGE_BLOCK,
    Field.PUBLISHED_AT: ids.PUBLISHED_AT_BLOCK,
}


def parse_submission(
    view: Mapping[str, Any], providers_on: frozenset[ProviderName]
) -> ModalInput | ModalErrors:
    """Read `view.state.values` back; every problem is keyed to the block that shows it."""
    values: Mapping[str, Any] = view.get("state", {}).get("values", {})
    errors: dict[str, list[str]] = {}
    state = _selected_state(values)
    if state is None:
        errors.setdefault(ids.STATE_BLOCK, []).append("Choose a state.")
    content = _entered(values, ids.MESSAGE_BLOCK, ids.MESSAGE_ACTION) or ""
    targets = _targets(values, providers_on, errors)
    published_at = _published_at(values)
    update = Update(state or State.INVESTIGATING, content, published_at)
    for error in validate(update, targets):
        if state is None and error.field is Field.STATE:
            continue
        for block_id in _blocks_for(error, providers_on):
            errors.setdefault(block_id, []).append(error.message)
    if errors:
        return ModalErrors({b: _joined(messages) for b, messages in errors.items()})
    return ModalInput(_channel_id(view), update, tuple(targets))


def _joined(messages: list[str]) -> str:
    """Several problems of one field in one line, within a readable length."""
    text = " ".join(dict.fromkeys(messages))
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def _blocks_for(error: FieldError, providers_on: frozenset[ProviderName]) -> list[str]:
    """The block(s) a domain error belongs under: 'no target' goes under each target field."""
    if error.field is Field.TARGETS:
        return [_TARGET_BLOCKS[p][0] for p in shown_providers(providers_on)]
    return [_FIELD_BLOCKS[error.field]]


def _entered(values: Mapping[str, Any], block_id: str, action_id: str) -> str | None:
    """A text input's value, None when empty or absent."""
    value = values.get(block_id, {}).get(action_id, {}).get("value")
    return value if isinstance(value, str) and value != "" else None


def _selected_state(values: Mapping[str, Any]) -> State | None:
    """The state chosen in the select."""
    element = values.get(ids.STATE_BLOCK, {}).get(ids.STATE_ACTION, {})
    option = element.get("selected_option") or {}
    try:
        return State(option.get("value", ""))
    except ValueError:
        return None


def _targets(
    values: Mapping[str, Any],
    providers_on: frozenset[ProviderName],
    errors: dict[str, list[str]],
) -> list[Target]:
    """The incident ids typed or kept in the form, parsed strictly."""
    targets = []
    for provider, (block_id, action_id) in _TARGET_BLOCKS.items():
        text = _entered(values, block_id, action_id)
        if text is None or not text.strip():
            continue
        try:
            incident = parse_incident_id(provider, _strip_prefix(provider, text.strip()))
        except InvalidId as error:
            errors.setdefault(block_id, []).append(f"{error}.")
            continue
        if provider not in providers_on:
            errors.setdefault(block_id, []).append(f"{provider.label} is not set up on this bot.")
            continue
        targets.append(Target(provider, incident))
    return targets


def _strip_prefix(provider: ProviderName, text: str) -> str:
    """Accept `phare:42` or `checkly:<uuid>` as well as the bare id."""
    prefix = f"{provider.value}:"
    return text[len(prefix) :] if text.lower().startswith(prefix) else text


def _published_at(values: Mapping[str, Any]) -> datetime | None:
    """The chosen publish time, in UTC (Slack sends epoch seconds)."""
    element = values.get(ids.PUBLISHED_AT_BLOCK, {}).get(ids.PUBLISHED_AT_ACTION, {})
    seconds = element.get("selected_date_time")
    if isinstance(seconds, int | float) and not isinstance(seconds, bool):
        return datetime.fromtimestamp(seconds, UTC)
    return None


def _channel_id(view: Mapping[str, Any]) -> str | None:
    """The channel the form was opened in, from private_metadata."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = metadata.get("channel_id") if isinstance(metadata, dict) else None
    return channel if isinstance(channel, str) and channel else None
