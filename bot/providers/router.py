"""The one road to a vendor: maps a delivery's target to its provider client."""

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping

from bot.domain.models import Outcome, Refused, Retry, Target, Unclear, Update
from bot.domain.states import ProviderName
from bot.logs import about
from bot.metrics import Metrics, Operation
from bot.providers.base import ListResult, PreparedRequest, Provider

log = logging.getLogger(__name__)

_HOW_TO_CONFIGURE: Mapping[ProviderName, str] = {
    ProviderName.PHARE: "set PHARE_API_TOKEN",
    ProviderName.CHECKLY: "set CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID",
}


def not_configured(provider: ProviderName) -> Refused:
    """The outcome for a target whose provider has no credentials."""
    return Refused(None, f"{provider.label} is not configured: {_HOW_TO_CONFIGURE[provider]}")


class ProviderRouter:
    """Sends, lists and previews through the configured client of each target's provider.

    A provider promises outcomes; should a client raise all the same, sending reads as
    unclear (it may have gone out) and listing as a retry (listing changes nothing).
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

    async def send(self, target: Target, update: Update) -> Outcome:
        """Create the update at the target's provider."""
        provider = self._providers.get(target.provider)
        if provider is None:
            return not_configured(target.provider)
        try:
            with self._timed(target.provider, Operation.SEND):
                return await provider.send(update, target.incident_id)
        except Exception as error:
            log.exception("sending to %s raised", target, extra=about(provider=target.provider))
            return Unclear(f"unexpected error while sending ({type(error).__name__})")

    async def list_updates(self, target: Target) -> ListResult:
        """Every update of the target's incident, or why they could not be read."""
        provider = self._providers.get(target.provider)
        if provider is None:
            return not_configured(target.provider)
        try:
            with self._timed(target.provider, Operation.LIST):
                return await provider.list_updates(target.incident_id)
        except Exception as error:
            log.exception(
                "listing updates of %s raised", target, extra=about(provider=target.provider)
            )
            return Retry(f"unexpected error while listing updates ({type(error).__name__})")

    @contextlib.contextmanager
    def _timed(self, provider: ProviderName, operation: Operation) -> Iterator[None]:
        """Count how long the provider took (also when the call failed or was cut short)."""
        started = time.monotonic()
        try:
            yield
        finally:
            if self._metrics is not None:
                self._metrics.provider_request(provider, operation, time.monotonic() - started)
