"""What every provider client offers the rest of the bot."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import httpx

from bot.domain.models import Endless, Outcome, Refused, RemoteUpdate, Retry, Unclear, Update
from bot.domain.operations import Component, Opening, RemoteIncident
from bot.domain.states import ProviderName

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=10.0, pool=5.0)
RETRY_AFTER_CAP_SECONDS = 600.0


@dataclass(frozen=True)
class PreparedRequest:
    """A request as it will be sent; `headers` shown with the token masked."""

    method: str
    url: str
    headers: Mapping[str, str]
    json: Mapping[str, Any] = field(default_factory=dict)


ListResult = Sequence[RemoteUpdate] | Refused | Retry | Unclear | Endless
IncidentsResult = Sequence[RemoteIncident] | Refused | Retry | Unclear | Endless
ComponentsResult = Sequence[Component] | Refused | Retry | Unclear | Endless


class Provider(Protocol):
    """A status-page provider: opens and recovers incidents, and publishes, edits, deletes
    and lists their updates."""

    @property
    def name(self) -> ProviderName:
        """Which provider this is."""
        ...

    def prepare(self, update: Update, incident_id: str) -> PreparedRequest:
        """The exact request `send` would make, with the token masked (for --dry-run)."""
        ...

    async def send(self, update: Update, incident_id: str) -> Outcome:
        """Create the update at the provider; never raises for HTTP or network failures."""
        ...

    async def list_updates(self, incident_id: str) -> ListResult:
        """Every update of the incident (all pages), or the failure that prevented it."""
        ...

    def prepare_open(self, opening: Opening, where: str) -> PreparedRequest:
        """The exact request `open_incident` would make, with the token masked (for --dry-run)."""
        ...

    async def open_incident(self, opening: Opening, where: str) -> Outcome:
        """Open the incident; Accepted carries its id as a target writes it."""
        ...

    async def list_incidents(self, where: str, since: datetime) -> IncidentsResult:
        """The incidents created at or after `since` (to reconcile an unclear opening)."""
        ...

    async def recover(self, incident_id: str) -> Outcome:
        """Mark the incident recovered; one already recovered is accepted too."""
        ...

    async def edit_update(self, incident_id: str, update_id: str, update: Update) -> Outcome:
        """Change a published update in place; Accepted carries the update id."""
        ...

    async def delete_update(self, incident_id: str, update_id: str) -> Outcome:
        """Delete a published update; Accepted carries the update id."""
        ...

    async def list_components(self, where: str) -> ComponentsResult:
        """The components an incident opened at `where` may affect."""
        ...
