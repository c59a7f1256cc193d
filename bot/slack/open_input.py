"""Reading the "Open an incident" form back: an opening to store, or problems field by field."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.open_at import title_problems
from bot.domain.operations import Impact, Opening
from bot.domain.states import ProviderName
from bot.domain.text import forbidden_character, has_visible_text
from bot.slack import ids
from bot.slack.form_seal import UNVERIFIED, FormSeal, sealed_context
from bot.slack.modal_input import entered_text, joined_errors, notify_choice, view_values
from bot.slack.open_modal import OPEN_KIND


@dataclass(frozen=True)
class OpenForm:
    """A submission that may be opened: what, at which vendors, for which channel."""

    opening: Opening
    vendors: tuple[ProviderName, ...]
    channel_id: str


def read_open_submission(
    view: Mapping[str, Any], *, vendors: frozenset[ProviderName], seal: FormSeal
) -> OpenForm | Mapping[str, str]:
    """The opening, or block id → message for `response_action: errors`. `vendors` are those
    that can open one now; a form whose sealed private_metadata does not open is refused."""
    values = view_values(view)
    context = sealed_context(view, seal, OPEN_KIND)
    channel_id = context.get("channel_id") if context is not None else None
    if not isinstance(channel_id, str) or not channel_id:
        return {ids.OPEN_TITLE_BLOCK: UNVERIFIED}
    errors: dict[str, list[str]] = {}
    chosen = _chosen_vendors(values, vendors, errors)
    title = entered_text(values, ids.OPEN_TITLE_BLOCK, ids.OPEN_TITLE_ACTION) or ""
    problems = title_problems(title, chosen)
    if problems:
        errors[ids.OPEN_TITLE_BLOCK] = problems
    message = _first_message(values, errors)
    impact = _impact(values, errors)
    if errors:
        return {block: joined_errors(messages) for block, messages in errors.items()}
    to_checkly = ProviderName.CHECKLY in chosen
    opening = Opening(
        title=title,
        impact=impact,
        message=message,
        component_ids=_chosen_components(values) if to_checkly else (),
        notify_subscribers=to_checkly and bool(notify_choice(values)),
    )
    return OpenForm(opening, chosen, channel_id)


def _selected(values: Mapping[str, Any], block_id: str, action_id: str) -> list[str]:
    """The values of the options ticked or chosen in a checkbox group or multi-select."""
    element = values.get(block_id, {}).get(action_id)
    chosen = element.get("selected_options") if isinstance(element, Mapping) else None
    if not isinstance(chosen, list):
        return []
    return [
        o["value"] for o in chosen if isinstance(o, Mapping) and isinstance(o.get("value"), str)
    ]


def _chosen_vendors(
    values: Mapping[str, Any], vendors: frozenset[ProviderName], errors: dict[str, list[str]]
) -> tuple[ProviderName, ...]:
    """The vendors ticked, in a fixed order; none, or one no longer set up, is a problem."""
    ticked = set(_selected(values, ids.OPEN_VENDORS_BLOCK, ids.OPEN_VENDORS_ACTION))
    chosen = tuple(p for p in ProviderName if p.value in ticked)
    for provider in chosen:
        if provider not in vendors:
            errors.setdefault(ids.OPEN_VENDORS_BLOCK, []).append(
                f"{provider.label} can no longer open incidents on this bot; untick it."
            )
    if not chosen:
        errors.setdefault(ids.OPEN_VENDORS_BLOCK, []).append("Choose where to open the incident.")
    return chosen


def _first_message(values: Mapping[str, Any], errors: dict[str, list[str]]) -> str | None:
    """The optional first message as typed; None when it holds nothing visible."""
    message = entered_text(values, ids.OPEN_MESSAGE_BLOCK, ids.OPEN_MESSAGE_ACTION)
    if message is None or not has_visible_text(message):
        return None
    bad = forbidden_character(message)
    if bad is not None:
        errors.setdefault(ids.OPEN_MESSAGE_BLOCK, []).append(
            f"The message contains {bad}; remove it."
        )
    return message


def _impact(values: Mapping[str, Any], errors: dict[str, list[str]]) -> Impact:
    """The impact chosen; unknown when the select holds none."""
    element = values.get(ids.OPEN_IMPACT_BLOCK, {}).get(ids.OPEN_IMPACT_ACTION, {})
    option = element.get("selected_option") if isinstance(element, Mapping) else None
    if not isinstance(option, Mapping):
        return Impact.UNKNOWN
    try:
        return Impact(option.get("value", ""))
    except ValueError:
        errors.setdefault(ids.OPEN_IMPACT_BLOCK, []).append("Choose an impact from the list.")
        return Impact.UNKNOWN


def _chosen_components(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the components chosen, each once, in the order chosen."""
    chosen = _selected(values, ids.OPEN_COMPONENTS_BLOCK, ids.OPEN_COMPONENTS_ACTION)
    return tuple(dict.fromkeys(chosen))
