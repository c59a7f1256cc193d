"""Cheap authenticated reads that tell whether a provider accepts our credentials."""

import httpx

from bot.config import ChecklySettings, PhareSettings
from bot.domain.models import Refused, Retry, Unclear
from bot.domain.states import ProviderName
from bot.providers._exchange import Vendor, exchange, failure_outcome, for_reading

CredentialCheck = None | Refused | Retry | Unclear


async def check_phare(http: httpx.AsyncClient, settings: PhareSettings) -> CredentialCheck:
    """List one incident at Phare: None when the token (and project header) are accepted."""
    token = settings.api_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if settings.project_id is not None:
        headers["X-Phare-Project-Id"] = str(settings.project_id)
    if settings.project_slug is not None:
        headers["X-Phare-Project-Slug"] = settings.project_slug
    vendor = Vendor(ProviderName.PHARE, "PHARE_API_TOKEN", "API token", token)
    url = f"{settings.api_url}/uptime/incidents?per_page=1"
    return await _read(http, vendor, url, headers)


async def check_checkly(http: httpx.AsyncClient, settings: ChecklySettings) -> CredentialCheck:
    """Read the current Checkly account: None when the key and account id are accepted."""
    key = settings.api_key.get_secret_value()
    headers = {
        "Authorization": f"Bearer {key}",
        "x-checkly-account": settings.account_id,
        "Accept": "application/json",
    }
    vendor = Vendor(ProviderName.CHECKLY, "CHECKLY_API_KEY", "API key", key)
    return await _read(http, vendor, f"{settings.api_url}/v1/accounts/me", headers)


async def _read(
    http: httpx.AsyncClient, vendor: Vendor, url: str, headers: dict[str, str]
) -> CredentialCheck:
    """One GET; None on 2xx, else the outcome that explains the failure."""
    answer = await exchange(http, vendor, "GET", url, headers=headers)
    if not isinstance(answer, httpx.Response):
        return for_reading(answer)
    if answer.is_success:
        return None
    return failure_outcome(vendor, answer, "-")
