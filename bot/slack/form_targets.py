"""The incidents the update form names: typed ids, and incidents still being opened."""

from collections.abc import Mapping
from typing import Any

from bot.domain.ids import parse_field_target
from bot.domain.models import Target
from bot.domain.operations import opening_awaited
from bot.domain.states import ProviderName


def form_target(provider: ProviderName, text: str) -> Target:
    """A target the form holds: an incident being opened as the bot named it, else parsed
    as typed (InvalidId when it does not parse)."""
    if opening_awaited(text) is not None:
        return Target(provider, text)
    return parse_field_target(provider, text)


def awaited_texts(metadata: Mapping[str, Any]) -> dict[ProviderName, str]:
    """The incidents being opened that the form goes to (sealed in its metadata)."""
    awaited = metadata.get("awaited")
    if not isinstance(awaited, Mapping):
        return {}
    return {
        provider: text
        for provider in ProviderName
        if isinstance(text := awaited.get(provider.value), str)
        and opening_awaited(text) is not None
    }
