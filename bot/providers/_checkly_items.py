"""Reading the updates Checkly returns, dashboard and status-page alike."""

from datetime import datetime

from bot.domain.models import RemoteUpdate
from bot.domain.states import ProviderName, state_from_vendor
from bot.providers._responses import parse_timestamp


def id_of(item: dict[str, object]) -> str | None:
    """A non-empty string id, or None."""
    value = item.get("id")
    return value if isinstance(value, str) and value else None


def created_at(value: object) -> datetime | None:
    """When Checkly created an update; None for a bare date (it says nothing of the hour)."""
    if isinstance(value, str) and "T" not in value:
        return None
    return parse_timestamp(value)


def remote_update(item: object) -> RemoteUpdate | None:
    """One listed update, or None when it lacks an id or description."""
    if not isinstance(item, dict):
        return None
    update_id, description = id_of(item), item.get("description")
    if update_id is None or not isinstance(description, str):
        return None
    word = item.get("status")
    state = state_from_vendor(ProviderName.CHECKLY, word) if isinstance(word, str) else None
    published = parse_timestamp(item.get("publicIncidentUpdateDate"))
    return RemoteUpdate(
        update_id, state, description, created_at(item.get("created_at")), published
    )
