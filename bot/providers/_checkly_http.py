"""One Checkly account as the client reaches it: URLs, headers, one exchange, its failures."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from bot.domain.models import Refused, Retry, Unclear
from bot.providers._exchange import Vendor, exchange, failure_outcome
from bot.providers._responses import vendor_message
from bot.providers.base import PreparedRequest


@dataclass(frozen=True)
class ChecklyLine:
    """The shared AsyncClient, the account's credentials and the API's base URL."""

    http: httpx.AsyncClient
    vendor: Vendor
    api_url: str
    account_id: str

    def url(self, *segments: str) -> str:
        """The URL of these path segments; each is already parsed, and quoted all the same."""
        path = "/".join(quote(segment, safe="") for segment in segments)
        return f"{self.api_url.rstrip('/')}/{path}"

    def headers(self, *, masked: bool) -> dict[str, str]:
        """Bearer key and the account header."""
        key = "***" if masked else self.vendor.secret
        return {
            "Authorization": f"Bearer {key}",
            "x-checkly-account": self.account_id,
            "Accept": "application/json",
        }

    def request(
        self, method: str, url: str, body: Mapping[str, Any] | None = None
    ) -> PreparedRequest:
        """A request with the real key (never shown: `prepare_*` builds masked ones)."""
        return PreparedRequest(method, url, self.headers(masked=False), body or {})

    async def send(self, request: PreparedRequest) -> httpx.Response | Refused | Retry | Unclear:
        """Make the request; a network failure comes back as an outcome."""
        return await exchange(
            self.http,
            self.vendor,
            request.method,
            request.url,
            headers=request.headers,
            json=request.json or None,
        )

    def failure(self, response: httpx.Response, missing: str) -> Refused | Retry | Unclear:
        """A non-2xx answer as an outcome; a 404 says that `missing` was not found."""
        outcome = failure_outcome(self.vendor, response, missing)
        if not isinstance(outcome, Refused) or outcome.status != 404:
            return outcome
        said = self.vendor.scrub(vendor_message(response))
        plain = f"{missing} was not found at Checkly"
        return Refused(404, f"{plain}. It said: “{said}”" if said else plain)
