"""Reading Phare's answers: listed updates and incidents, ids."""

from bot.domain.models import RemoteUpdate
from bot.domain.operations import RemoteIncident
from bot.domain.states import ProviderName, state_from_vendor
from bot.providers._responses import parse_timestamp


def remote_update(item: object) -> RemoteUpdate | None:
    """One listed update; None when it lacks what matching needs: an id, a state, the content.

    A state word Phare did not document yet is kept as None: such an update is not ours.
    """
    if not isinstance(item, dict):
        return None
    update_id = id_text(item.get("id"))
    state_word, content = item.get("state"), item.get("content")
    if update_id is None or not isinstance(state_word, str) or not isinstance(content, str):
        return None
    state = state_from_vendor(ProviderName.PHARE, state_word)
    return RemoteUpdate(update_id, state, content, parse_timestamp(item.get("created_at")))


def remote_incident(item: object) -> RemoteIncident | None:
    """One listed incident; None when it lacks an id or its (documented, required) title."""
    if not isinstance(item, dict):
        return None
    incident_id, title = id_text(item.get("id")), item.get("title")
    if incident_id is None or not isinstance(title, str):
        return None
    return RemoteIncident(incident_id, title, parse_timestamp(item.get("created_at")))


def id_text(value: object) -> str | None:
    """An id (documented as an integer; a non-empty string is taken too), or None."""
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        return None
    return str(value)
