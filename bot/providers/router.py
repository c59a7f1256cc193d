"""Router: sends one update to many targets at once, each through its provider."""

import asyncio
import logging
from collections.abc import Mapping, Sequence

from bot.domain.models import Outcome, Refused, Target, Unclear, Update
from bot.domain.states import ProviderName
from bot.logs import about
from bot.providers.base import Provider

log = logging.getLogger(__name__)

_HOW_TO_CONFIGURE: Mapping[ProviderName, str] = {
    ProviderName.PHARE: "set PHARE_API_TOKEN",
    ProviderName.CHECKLY: "set CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID",
}


def not_configured(provider: ProviderName) -> Refused:
    """The outcome for a target whose provider has no credentials."""
    return Refused(None, f"{provider.label} is not configured: {_HOW_TO_CONFIGURE[provider]}")


class Router:
    """Maps targets to the configured providers and sends to all of them concurrently."""

    def __init__(self, providers: Mapping[ProviderName, Provider]) -> None:
        self._providers = dict(providers)

    def provider(self, name: ProviderName) -> Provider | None:
        """The configured provider of that name, or None."""
        return self._providers.get(name)

    async def send(self, update: Update, targets: Sequence[Target]) -> dict[Target, Outcome]:
        """Each target's outcome; the whole takes about as long as the slowest provider."""
        unique = list(dict.fromkeys(targets))
        outcomes = await asyncio.gather(*(self._send_one(update, t) for t in unique))
        return dict(zip(unique, outcomes, strict=True))

    async def _send_one(self, update: Update, target: Target) -> Outcome:
        """One target's outcome; a provider bug is reported as unclear, never raised."""
        provider = self._providers.get(target.provider)
        if provider is None:
            return not_configured(target.provider)
        try:
            return await provider.send(update, target.incident_id)
        except Exception as error:  # a provider promises outcomes; a bug must not sink the others
            log.exception(
                "provider %s raised while sending to %s",
                target.provider.value,
                target,
                extra=about(provider=target.provider),
            )
            return Unclear(
                f"{target.provider.label} client failed unexpectedly ({type(error).__name__})"
            )
