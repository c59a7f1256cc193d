"""Building Phare's requests: URLs from parsed ids, and bodies as its document describes them."""

from typing import Any
from urllib.parse import quote

from bot.domain.ids import parse_phare_id
from bot.domain.models import Update
from bot.domain.operations import Opening
from bot.domain.states import ProviderName, vendor_state

DESCRIPTION_LIMIT = 2000


class PhareUrls:
    """Phare's incident URLs; every id is parsed and quoted, never pasted."""

    def __init__(self, api_url: str) -> None:
        self._base = api_url.rstrip("/")

    def incidents(self) -> str:
        """The incidents collection (list, create)."""
        return f"{self._base}/uptime/incidents"

    def incident(self, incident_id: str) -> str:
        """One incident; raises InvalidId."""
        return f"{self.incidents()}/{quote(parse_phare_id(incident_id), safe='')}"

    def recover(self, incident_id: str) -> str:
        """The incident's recovery; raises InvalidId."""
        return f"{self.incident(incident_id)}/recover"

    def updates(self, incident_id: str) -> str:
        """The incident's updates (list, create); raises InvalidId."""
        return f"{self.incident(incident_id)}/updates"

    def update(self, incident_id: str, update_id: str) -> str:
        """One update of the incident (edit, delete); raises InvalidId."""
        segment = quote(parse_phare_id(update_id, "update"), safe="")
        return f"{self.updates(incident_id)}/{segment}"


def update_body(update: Update) -> dict[str, Any]:
    """An update's create or edit body; raises UnsupportedState, or ValueError for a publish
    time without a time zone."""
    body: dict[str, Any] = {
        "state": vendor_state(ProviderName.PHARE, update.state),
        "content": update.content,
    }
    if update.published_at is not None:
        if update.published_at.utcoffset() is None:
            raise ValueError("the publish time has no time zone")
        body["published_at"] = update.published_at.isoformat()
    return body


def opening_body(opening: Opening) -> dict[str, Any]:
    """An incident's create body: title and impact as given, counted in downtime, the
    monitors when there are any (the document asks for at least one), and the first message
    as description when it fits the document's 1 to 2000 characters (it is never cut; a
    longer one is left out). A too-long title is sent as it is, for Phare to refuse."""
    body: dict[str, Any] = {
        "title": opening.title,
        "impact": opening.impact.value,
        "exclude_from_downtime": False,
    }
    if opening.monitor_ids:
        body["monitors"] = list(opening.monitor_ids)
    if 1 <= len(opening.first_message.strip()) <= DESCRIPTION_LIMIT:
        body["description"] = opening.first_message
    return body
