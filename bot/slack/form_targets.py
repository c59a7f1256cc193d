"""The incidents the update form names: typed ids, and incidents still being opened."""

from collections.abc import Mapping
from typing import Any

from bot.domain.ids import parse_incident_id
from bot.domain.models import Target
from bot.domain.operations import opening_awaited
from bot.domain.states import ProviderName


def parse_target_text(provider: ProviderName, text: str) -> Target:
    """A target from what its field holds (`phare:42` or `42`); InvalidId when it does not parse."""
    prefix = f"{provider.value}:"
    bare = text[len(prefix) :] if text.lower().startswith(prefix) else text
    return Target(provider, parse_incident_id(provider, bare.strip()))


def form_target(provider: ProviderName, text: str) -> Target:
    """A target the form holds: an incident being opened as the bot named it, else parsed
    as typed (InvalidId when it does not parse)."""
    if opening_awaited(text) is not None:
        return Target(provider, text)
    return parse_target_text(provider, text)


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
