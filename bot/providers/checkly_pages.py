"""Checkly status-page incidents (v3): the create request's URL and body, and the answers."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from bot.domain.models import RemoteUpdate, Target, Update
from bot.domain.states import ProviderName, vendor_state
from bot.domain.targets import lacking, takes_state
from bot.providers._checkly_items import id_of, remote_update


def updates_url(api_url: str, canonical_id: str) -> str:
    """`.../v3/status-pages/{page}/incidents/{incident}/incident-updates`; both ids are
    already parsed (`<page-uuid>/<incident-uuid>`), and quoted all the same."""
    page, _, incident = (quote(part, safe="") for part in canonical_id.partition("/"))
    base = api_url.rstrip("/")
    return f"{base}/v3/status-pages/{page}/incidents/{incident}/incident-updates"


def create_body(update: Update, canonical_id: str) -> dict[str, Any]:
    """`{status, description}`, with `publicIncidentUpdateDate` and `notifySubscribers` when
    the update has them; raises UnsupportedState (MAINTENANCE) or ValueError (a naive time)."""
    target = Target(ProviderName.CHECKLY, canonical_id)
    if not takes_state(target, update.state):
        raise lacking(target, update.state)
    body: dict[str, Any] = {
        "status": vendor_state(ProviderName.CHECKLY, update.state),
        "description": update.content,
    }
    if update.published_at is not None:
        body["publicIncidentUpdateDate"] = public_date(update.published_at)
    if update.notify_subscribers is not None:
        body["notifySubscribers"] = update.notify_subscribers
    return body


def public_date(moment: datetime) -> str:
    """`publicIncidentUpdateDate` as Checkly writes it (milliseconds, Z); raises ValueError
    for a time without a time zone."""
    if moment.utcoffset() is None:
        raise ValueError("the publish time has no time zone")
    when = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return when.replace("+00:00", "Z")


def created_id(body: object) -> str | None:
    """The id of the created update (201, one PublicStatusPageV3IncidentUpdate)."""
    return id_of(body) if isinstance(body, dict) else None


def listed_updates(body: object) -> list[RemoteUpdate] | None:
    """The incident's updates (a bare array, newest first), or None when unreadable."""
    if not isinstance(body, list):
        return None
    updates = [remote_update(item) for item in body]
    found = [u for u in updates if u is not None]
    return found if len(found) == len(updates) else None
