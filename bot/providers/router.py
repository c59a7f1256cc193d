"""The one road to a vendor: maps a delivery's target to its provider client."""

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import datetime
from typing import TypeVar

from bot.domain.models import Outcome, Refused, Retry, Target, Unclear, Update
from bot.domain.operations import Opening
from bot.domain.states import ProviderName
from bot.logs import about
from bot.metrics import Call, Metrics
from bot.providers.base import (
    ComponentsResult,
    IncidentsResult,
    ListResult,
    PreparedRequest,
    Provider,
)

log = logging.getLogger(__name__)

_HOW_TO_CONFIGURE: Mapping[ProviderName, str] = {
    ProviderName.PHARE: "set PHARE_API_TOKEN",
    ProviderName.CHECKLY: "set CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID",
}
# Calls that change something at the vendor: one that raised may have gone out.
_CHANGES = frozenset({Call.PUBLISH, Call.OPEN, Call.RECOVER, Call.EDIT, Call.DELETE})
_DOING: Mapping[Call, str] = {
    Call.PUBLISH: "sending",
    Call.LIST: "listing updates",
    Call.OPEN: "opening the incident",
    Call.LIST_INCIDENTS: "listing incidents",
    Call.RECOVER: "recovering the incident",
    Call.EDIT: "editing the update",
    Call.DELETE: "deleting the update",
    Call.COMPONENTS: "listing components",
}

T = TypeVar("T")


def not_configured(provider: ProviderName) -> Refused:
    """The outcome for a target whose provider has no credentials."""
    return Refused(None, f"{provider.label} is not configured: {_HOW_TO_CONFIGURE[provider]}")


class ProviderRouter:
    """Every request to a vendor, through the configured client of the target's provider.

    A provider promises outcomes; should a client raise all the same, a change reads as
    unclear (it may have gone out) and a read as a retry (reading changes nothing).
    """

    def __init__(
        self, providers: Mapping[ProviderName, Provider], metrics: Metrics | None = None
    ) -> None:
        self._providers = dict(providers)
        self._metrics = metrics

    @property
    def configured(self) -> frozenset[ProviderName]:
        """The providers that have credentials."""
        return frozenset(self._providers)

    def prepare(self, target: Target, update: Update) -> PreparedRequest | None:
        """The exact request sending would make (token masked); None when not configured."""
        provider = self._providers.get(target.provider)
        return None if provider is None else provider.prepare(update, target.incident_id)

    def prepare_open(self, where: Target, opening: Opening) -> PreparedRequest | None:
        """The exact request opening would make (token masked); None when not configured."""
        provider = self._providers.get(where.provider)
        return None if provider is None else provider.prepare_open(opening, where.incident_id)

    async def send(self, target: Target, update: Update) -> Outcome:
        """Create the update at the target's provider."""
        return await self._call(target, Call.PUBLISH, lambda p: p.send(update, target.incident_id))

    async def open_incident(self, where: Target, opening: Opening) -> Outcome:
        """Open an incident at the provider (`where`: Phare's project, a Checkly status page)."""
        return await self._call(
            where, Call.OPEN, lambda p: p.open_incident(opening, where.incident_id)
        )

    async def recover(self, target: Target) -> Outcome:
        """Mark the target's incident recovered."""
        return await self._call(target, Call.RECOVER, lambda p: p.recover(target.incident_id))

    async def edit_update(self, target: Target, remote_id: str, update: Update) -> Outcome:
        """Change a published update in place."""
        return await self._call(
            target, Call.EDIT, lambda p: p.edit_update(target.incident_id, remote_id, update)
        )

    async def delete_update(self, target: Target, remote_id: str) -> Outcome:
        """Delete a published update."""
        return await self._call(
            target, Call.DELETE, lambda p: p.delete_update(target.incident_id, remote_id)
        )

    async def list_updates(self, target: Target) -> ListResult:
        """Every update of the target's incident, or why they could not be read."""
        return await self._call(target, Call.LIST, lambda p: p.list_updates(target.incident_id))

    async def list_incidents(self, where: Target, since: datetime) -> IncidentsResult:
        """The provider's incidents opened since then, or why they could not be read."""
        return await self._call(
            where, Call.LIST_INCIDENTS, lambda p: p.list_incidents(where.incident_id, since)
        )

    async def list_components(self, where: Target) -> ComponentsResult:
        """A status page's components, or why they could not be read."""
        return await self._call(
            where, Call.COMPONENTS, lambda p: p.list_components(where.incident_id)
        )

    async def _call(
        self, target: Target, call: Call, request: Callable[[Provider], Awaitable[T]]
    ) -> T | Refused | Retry | Unclear:
        """One request through the target's client, timed; never raises."""
        provider = self._providers.get(target.provider)
        if provider is None:
            return not_configured(target.provider)
        try:
            with self._timed(target.provider, call):
                return await request(provider)
        except Exception as error:
            log.exception(
                "%s at %s raised", call.value, target, extra=about(provider=target.provider)
            )
            what = f"unexpected error while {_DOING[call]} ({type(error).__name__})"
            return Unclear(what) if call in _CHANGES else Retry(what)

    @contextlib.contextmanager
    def _timed(self, provider: ProviderName, call: Call) -> Iterator[None]:
        """Count how long the provider took (also when the call failed or was cut short)."""
        started = time.monotonic()
        try:
            yield
        finally:
            if self._metrics is not None:
                self._metrics.provider_request(provider, call, time.monotonic() - started)
