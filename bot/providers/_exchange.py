"""One HTTP exchange with a vendor, and every failure turned into an outcome, never raised."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from bot.domain.models import Refused, Retry, Unclear
from bot.domain.states import ProviderName
from bot.providers._responses import excerpt, field_errors, retry_after_seconds, vendor_message
from bot.providers.base import PreparedRequest

RATE_LIMITED = frozenset({420, 429})


@dataclass(frozen=True)
class Vendor:
    """What the shared code needs to word a vendor's outcomes: its name, variable, secret."""

    name: ProviderName
    credential_variable: str
    credential_noun: str
    secret: str

    def scrub(self, text: str) -> str:
        """The text with the vendor's secret masked, should the vendor ever echo it."""
        return text.replace(self.secret, "***") if self.secret else text


async def exchange(
    http: httpx.AsyncClient,
    vendor: Vendor,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    json: Mapping[str, Any] | None = None,
) -> httpx.Response | Refused | Retry | Unclear:
    """Make the request; a network failure becomes Retry (never sent) or Unclear (maybe applied)."""
    label = vendor.name.label
    try:
        return await http.request(method, url, headers=dict(headers), json=json)
    except (httpx.ConnectError, httpx.ConnectTimeout) as error:
        return Retry(f"Could not connect to {label} ({_cause(error)})")
    except httpx.PoolTimeout:
        return Retry(f"No free connection to {label} in time; the request was not sent")
    except httpx.ProxyError as error:
        return Retry(f"The proxy to {label} failed ({_cause(error)})")
    except (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL) as error:
        return Refused(None, f"The request to {label} could not be made: {_cause(error)}")
    except httpx.ReadTimeout:
        return Unclear(f"{label} did not answer in time after receiving the request")
    except httpx.WriteTimeout:
        return Unclear(f"Sending the request to {label} timed out part-way")
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
        return Unclear(f"The connection to {label} dropped before its answer ({_cause(error)})")
    except httpx.HTTPError as error:
        return Unclear(f"The exchange with {label} failed ({_cause(error)})")


async def create(
    http: httpx.AsyncClient,
    vendor: Vendor,
    request: PreparedRequest,
    incident_id: str,
    *,
    missing: str | None = None,
) -> httpx.Response | Refused | Retry | Unclear:
    """Send a prepared request that changes something: the 2xx answer, or the failure as an
    outcome (`missing` names what a 404 did not find; the incident unless said)."""
    answer = await exchange(
        http,
        vendor,
        request.method,
        request.url,
        headers=request.headers,
        json=request.json or None,
    )
    if isinstance(answer, httpx.Response) and not answer.is_success:
        return failure_outcome(vendor, answer, incident_id, missing=missing)
    return answer


def _cause(error: Exception) -> str:
    """A short description of a network error, from the OS error underneath when there is one."""
    inner: BaseException | None = error
    while inner is not None:
        if isinstance(inner, ConnectionRefusedError):
            return "connection refused"
        if isinstance(inner, OSError) and inner.strerror:
            return inner.strerror.lower()
        inner = inner.__cause__ or inner.__context__
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    text = str(error).strip()
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__


def failure_outcome(
    vendor: Vendor, response: httpx.Response, incident_id: str, *, missing: str | None = None
) -> Refused | Retry | Unclear:
    """The outcome of a non-2xx answer, in the vendor's own words where it gave any; a 404
    names `missing` as not found (by default, the incident)."""
    status = response.status_code
    said = vendor.scrub(vendor_message(response))
    label = vendor.name.label
    if status in RATE_LIMITED:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        return Retry(
            _with_words(f"{label} is limiting requests (HTTP {status})", said), wait, status
        )
    if status >= 500:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        return Retry(_with_words(f"{label} had a server error (HTTP {status})", said), wait, status)
    if status == 401:
        plain = f"the {vendor.credential_noun} was refused; check {vendor.credential_variable}"
        return Refused(status, _with_words(plain, said))
    if status == 404:
        plain = f"{missing or f'incident {incident_id}'} was not found at {label}"
        return Refused(status, _with_words(plain, said))
    if status == 403:
        return Refused(status, said or f"{label} forbids this action for these credentials")
    if status == 422:
        errors = {k: tuple(vendor.scrub(m) for m in v) for k, v in field_errors(response).items()}
        return Refused(status, said or f"{label} found the update invalid", errors)
    if 300 <= status < 400:
        return Refused(status, f"{label} answered with a redirect (HTTP {status}); check the URL")
    return Refused(status, said or f"{label} refused the request (HTTP {status})")


def _with_words(plain: str, said: str) -> str:
    """A plain explanation followed by what the vendor said, if it said anything."""
    return f"{plain}. It said: “{said}”" if said else plain


def for_reading(outcome: Refused | Retry | Unclear) -> Refused | Retry | Unclear:
    """A failed read changed nothing at the vendor, so a network failure is simply retried."""
    return Retry(outcome.reason) if isinstance(outcome, Unclear) else outcome


def unreadable(vendor: Vendor, response: httpx.Response, what: str) -> Unclear:
    """A 2xx answer whose body cannot be understood: the request may well have been applied."""
    said = vendor.scrub(excerpt(response.content.decode("utf-8", "replace"))) or "an empty body"
    label = vendor.name.label
    return Unclear(
        f"{label} answered HTTP {response.status_code} but {what} could not be read ({said})"
    )


async def check_access(
    http: httpx.AsyncClient, vendor: Vendor, url: str, headers: Mapping[str, str]
) -> Refused | Retry | Unclear | None:
    """One authenticated GET: None when the vendor accepts the credentials, else why not."""
    answer = await exchange(http, vendor, "GET", url, headers=headers)
    if not isinstance(answer, httpx.Response):
        return for_reading(answer)
    return None if answer.is_success else failure_outcome(vendor, answer, "-")
