"""The Checkly status page's components, read through the router for the "Open an incident" form."""

from collections.abc import Sequence

from bot.domain.explain import sentence
from bot.domain.models import Endless, Refused, Retry, Target, Unclear
from bot.domain.operations import Component
from bot.domain.states import ProviderName
from bot.providers.router import ProviderRouter


class PageComponents:
    """The components of CHECKLY_STATUS_PAGE_ID (a StatusPageComponents for the Slack layer)."""

    def __init__(self, router: ProviderRouter, page_id: str | None) -> None:
        self._router = router
        self._page_id = page_id

    async def components(self) -> Sequence[Component] | str | None:
        """The page's components; why they could not be read; None without Checkly or a page."""
        if not self._page_id or ProviderName.CHECKLY not in self._router.configured:
            return None
        listed = await self._router.list_components(Target(ProviderName.CHECKLY, self._page_id))
        if isinstance(listed, Refused | Retry | Unclear | Endless):
            return why_unread(listed)
        return listed


def why_unread(failure: Refused | Retry | Unclear | Endless) -> str:
    """Why the list could not be read, as one sentence in the vendor's words."""
    if isinstance(failure, Refused):
        if failure.status is None:
            return sentence(failure.message)
        return sentence(f"Checkly refused to list them (HTTP {failure.status}): {failure.message}")
    return sentence(failure.reason)
