"""Incident ids and targets, parsed strictly: nothing typed reaches a URL unparsed."""

import re
import uuid

from bot.domain.models import Target
from bot.domain.states import ProviderName

_PHARE_ID = re.compile(r"[1-9][0-9]{0,18}", re.ASCII)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_INT64_MAX = 2**63 - 1


class InvalidId(ValueError):
    """An incident id or target that does not parse."""


def _shown(text: str) -> str:
    """The text as it may be shown in an error: quoted, control characters visible."""
    return repr(text[:80])


def parse_phare_id(text: str, what: str = "incident") -> str:
    """A Phare id (of an incident, or `what`): a positive integer in ASCII digits, no sign,
    no separators."""
    if _PHARE_ID.fullmatch(text) is None or int(text) > _INT64_MAX:
        raise InvalidId(f"Phare {what} id {_shown(text)} is not a positive whole number")
    return text


def parse_uuid(text: str, what: str) -> str:
    """One UUID written 8-4-4-4-12 in hex digits of any case, re-serialised in lower case;
    no braces, `urn:uuid:`, dashless form or whitespace."""
    if _UUID.fullmatch(text) is None:
        raise InvalidId(f"{what} {_shown(text)} is not a UUID")
    return str(uuid.UUID(text))


def parse_status_page_id(text: str) -> str:
    """A Checkly status page's UUID, as inside `checkly:<page>/<incident>`."""
    return parse_uuid(text, "Checkly status page id")


def parse_checkly_id(text: str) -> str:
    """A Checkly incident: a dashboard incident's UUID, or a status page's UUID and its
    incident's UUID joined by `/`; each re-serialised in canonical lower-case form."""
    page, slash, incident = text.partition("/")
    if not slash:
        return parse_uuid(text, "Checkly incident id")
    try:
        return f"{parse_status_page_id(page)}/{parse_uuid(incident, 'incident')}"
    except InvalidId:
        raise InvalidId(
            f"Checkly status-page incident {_shown(text)} is not <status-page-uuid>/<incident-uuid>"
        ) from None


def parse_incident_id(provider: ProviderName, text: str) -> str:
    """An incident id in the given provider's format."""
    if provider is ProviderName.PHARE:
        return parse_phare_id(text)
    return parse_checkly_id(text)


def _provider(name: str) -> ProviderName | None:
    """The provider a target's prefix names, in ASCII letters of any case; else None."""
    if not name.isascii():
        return None
    try:
        return ProviderName(name.lower())
    except ValueError:
        return None


def parse_target(text: str) -> Target:
    """A target written `phare:<id>`, `checkly:<uuid>` or `checkly:<page-uuid>/<incident-uuid>`;
    whitespace around the whole text is trimmed (as pasted), none is allowed inside."""
    name, sep, incident = text.strip().partition(":")
    provider = _provider(name)
    if not sep or provider is None:
        raise InvalidId(
            f"{_shown(text)} is not a target: write phare:<id>, checkly:<uuid> "
            "or checkly:<status-page-uuid>/<incident-uuid>"
        )
    return Target(provider, parse_incident_id(provider, incident))


def parse_field_target(provider: ProviderName, text: str) -> Target:
    """A target typed in one provider's own field: its bare id, or written in full as
    `parse_target` reads it (`phare:42`); whitespace around the whole text is trimmed."""
    written = text.strip()
    name, sep, _ = written.partition(":")
    if sep and _provider(name) is provider:
        return parse_target(written)
    return Target(provider, parse_incident_id(provider, written))
