"""Reading the update form back: a submission to publish, or the form as it stands to redraw."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot.domain.ids import InvalidId, parse_field_target
from bot.domain.models import Target, Update
from bot.domain.states import ProviderName, State
from bot.domain.targets import takes_notify_subscribers, with_notify_default
from bot.domain.validation import Field, FieldError, validate
from bot.slack import ids
from bot.slack.form import Form, is_message_block
from bot.slack.form_seal import UNVERIFIED, FormSeal
from bot.slack.form_targets import awaited_texts, form_target

ERROR_MAX = 300

TARGET_BLOCKS: Mapping[ProviderName, tuple[str, str]] = {
    ProviderName.PHARE: (ids.PHARE_BLOCK, ids.PHARE_ACTION),
    ProviderName.CHECKLY: (ids.CHECKLY_BLOCK, ids.CHECKLY_ACTION),
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


IMPOSSIBLE_TIME = "That publish time is not a real date; pick it again."


def shown_providers(providers_on: frozenset[ProviderName]) -> tuple[ProviderName, ...]:
    """The providers whose fields the form shows: those set up, or both when none is."""
    return tuple(p for p in ProviderName if p in providers_on) or tuple(ProviderName)


def parse_submission(
    view: Mapping[str, Any],
    providers_on: frozenset[ProviderName],
    seal: FormSeal,
    notify_default: bool = False,
) -> ModalInput | ModalErrors:
    """Read `view.state.values` back; every problem is keyed to the block that shows it.
    A form whose sealed private_metadata does not open is refused whole. Subscribers of a
    status page are notified as its checkbox says, or as `notify_default` when not shown."""
    values = view_values(view)
    metadata = _metadata(view, seal)
    if metadata is None:
        return ModalErrors({entered_message(values)[0]: UNVERIFIED})
    errors: dict[str, list[str]] = {}
    state = selected_state(values)
    if state is None:
        errors.setdefault(ids.STATE_BLOCK, []).append("Choose a state.")
    message_block, content = entered_message(values)
    targets = _targets(values, providers_on, errors)
    targets.extend(
        form_target(p, t) for p, t in awaited_texts(metadata).items() if p in providers_on
    )
    when = published_at(values)
    if when is None and _picked_seconds(values) is not None:
        errors.setdefault(ids.PUBLISHED_AT_BLOCK, []).append(IMPOSSIBLE_TIME)
    update = Update(state or State.INVESTIGATING, content, when, notify_choice(values))
    field_blocks = {
        Field.STATE: ids.STATE_BLOCK,
        Field.CONTENT: message_block,
        Field.PUBLISHED_AT: ids.PUBLISHED_AT_BLOCK,
    }
    for error in validate(update, targets):
        if state is None and error.field is Field.STATE:
            continue
        for block_id in _blocks_for(error, providers_on, field_blocks):
            errors.setdefault(block_id, []).append(error.message)
    if errors:
        return ModalErrors({b: joined_errors(messages) for b, messages in errors.items()})
    update = with_notify_default(update, targets, notify_default)
    if not any(takes_notify_subscribers(t) for t in targets):
        update = replace(update, notify_subscribers=None)
    return ModalInput(metadata["channel_id"], update, tuple(targets))


def read_form(
    view: Mapping[str, Any], seal: FormSeal, fallback: State = State.INVESTIGATING
) -> Form | None:
    """The form as the person left it (nothing validated): to redraw it after a change;
    None when its private_metadata does not open."""
    values = view_values(view)
    metadata = _metadata(view, seal)
    if metadata is None:
        return None
    revision = metadata.get("revision")
    return Form(
        channel_id=metadata.get("channel_id"),
        state=selected_state(values) or fallback,
        message=entered_message(values)[1],
        targets=target_texts(values) | awaited_texts(metadata),
        published_at=published_at(values),
        notify_subscribers=notify_choice(values),
        inserted=str(metadata.get("inserted") or ""),
        revision=revision if isinstance(revision, int) and revision >= 0 else 0,
    )


def view_values(view: Mapping[str, Any]) -> Mapping[str, Any]:
    """`view.state.values`, or nothing."""
    values = (view.get("state") or {}).get("values")
    return values if isinstance(values, Mapping) else {}


def joined_errors(messages: list[str]) -> str:
    """Several problems of one field in one line, within a readable length."""
    text = " ".join(dict.fromkeys(messages))
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def _blocks_for(
    error: FieldError, providers_on: frozenset[ProviderName], field_blocks: Mapping[Field, str]
) -> list[str]:
    """The block(s) a domain error belongs under: 'no target' goes under each target field."""
    if error.field is Field.TARGETS:
        return [TARGET_BLOCKS[p][0] for p in shown_providers(providers_on)]
    return [field_blocks[error.field]]


def entered_text(values: Mapping[str, Any], block_id: str, action_id: str) -> str | None:
    """A text input's value, None when empty or absent."""
    value = values.get(block_id, {}).get(action_id, {}).get("value")
    return value if isinstance(value, str) and value != "" else None


def entered_message(values: Mapping[str, Any]) -> tuple[str, str]:
    """The message block's current id and its text ("" when empty)."""
    for block_id in values:
        if is_message_block(block_id):
            return block_id, entered_text(values, block_id, ids.MESSAGE_ACTION) or ""
    return ids.MESSAGE_BLOCK, ""


def selected_state(values: Mapping[str, Any]) -> State | None:
    """The state chosen in the select."""
    element = values.get(ids.STATE_BLOCK, {}).get(ids.STATE_ACTION, {})
    option = element.get("selected_option") or {}
    try:
        return State(option.get("value", ""))
    except ValueError:
        return None


def target_texts(values: Mapping[str, Any]) -> dict[ProviderName, str]:
    """What each target field holds, stripped; fields left empty are absent."""
    texts = {}
    for provider, (block_id, action_id) in TARGET_BLOCKS.items():
        text = entered_text(values, block_id, action_id)
        if text is not None and text.strip():
            texts[provider] = text.strip()
    return texts


def _targets(
    values: Mapping[str, Any],
    providers_on: frozenset[ProviderName],
    errors: dict[str, list[str]],
) -> list[Target]:
    """The incident ids typed or kept in the form, parsed strictly."""
    targets = []
    for provider, text in target_texts(values).items():
        block_id = TARGET_BLOCKS[provider][0]
        try:
            target = parse_field_target(provider, text)
        except InvalidId as error:
            errors.setdefault(block_id, []).append(f"{error}.")
            continue
        if provider not in providers_on:
            errors.setdefault(block_id, []).append(f"{provider.label} is not set up on this bot.")
            continue
        targets.append(target)
    return targets


def published_at(values: Mapping[str, Any]) -> datetime | None:
    """The chosen publish time, in UTC (Slack sends epoch seconds); None if none or impossible."""
    seconds = _picked_seconds(values)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _picked_seconds(values: Mapping[str, Any]) -> float | None:
    """The publish-time picker's raw epoch seconds, if it holds a number."""
    element = values.get(ids.PUBLISHED_AT_BLOCK, {}).get(ids.PUBLISHED_AT_ACTION, {})
    seconds = element.get("selected_date_time")
    if isinstance(seconds, int | float) and not isinstance(seconds, bool):
        return seconds
    return None


def notify_choice(values: Mapping[str, Any]) -> bool | None:
    """Whether the subscriber checkbox is ticked; None when the form does not show it."""
    element = values.get(ids.NOTIFY_BLOCK, {}).get(ids.NOTIFY_ACTION)
    if not isinstance(element, Mapping):
        return None
    chosen = element.get("selected_options") or []
    return any(isinstance(o, Mapping) and o.get("value") == ids.NOTIFY_VALUE for o in chosen)


def _metadata(view: Mapping[str, Any], seal: FormSeal) -> dict[str, Any] | None:
    """The form's sealed private_metadata: the channel it was opened in, and the text it
    inserted; None when the seal does not hold."""
    sealed = view.get("private_metadata")
    metadata = seal.open(sealed) if isinstance(sealed, str) else None
    if metadata is None:
        return None
    channel = metadata.get("channel_id")
    metadata["channel_id"] = channel if isinstance(channel, str) and channel else None
    return metadata
