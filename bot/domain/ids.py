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


def parse_checkly_id(text: str) -> str:
    """A Checkly incident: a dashboard incident's UUID, or a status page's UUID and its
    incident's UUID joined by `/`; each re-serialised in canonical lower-case form."""
    page, slash, incident = text.partition("/")
    if slash:
        if _UUID.fullmatch(page) is None or _UUID.fullmatch(incident) is None:
            raise InvalidId(
                f"Checkly status-page incident {_shown(text)} is not "
                "<status-page-uuid>/<incident-uuid>"
            )
        return f"{uuid.UUID(page)}/{uuid.UUID(incident)}"
    if _UUID.fullmatch(text) is None:
        raise InvalidId(f"Checkly incident id {_shown(text)} is not a UUID")
    return str(uuid.UUID(text))


def parse_incident_id(provider: ProviderName, text: str) -> str:
    """An incident id in the given provider's format."""
    if provider is ProviderName.PHARE:
        return parse_phare_id(text)
    return parse_checkly_id(text)


def parse_target(text: str) -> Target:
    """A target written `phare:<id>`, `checkly:<uuid>` or `checkly:<page-uuid>/<incident-uuid>`."""
    name, sep, incident = text.strip().partition(":")
    try:
        provider = ProviderName(name.lower())
    except ValueError:
        provider = None
    if not sep or provider is None:
        raise InvalidId(
            f"{_shown(text)} is not a target: write phare:<id>, checkly:<uuid> "
            "or checkly:<status-page-uuid>/<incident-uuid>"
        )
    return Target(provider, parse_incident_id(provider, incident))
