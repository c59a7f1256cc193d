"""What the loopback Checkly fake checks as Checkly (hapi and Joi) does: ids, bodies, stamps."""

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

CHECKLY_STATUSES = ("INVESTIGATING", "IDENTIFIED", "MONITORING", "RESOLVED", "MAINTENANCE")
_ERRORS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    420: "Enhance Your Calm",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_DEFAULT_MESSAGES = {401: "Bad Token", 500: "An internal server error occurred"}
# checkly-status-pages-v3-incidents-openapi.yaml, deleting an incident update: "The last remaining
# update cannot be deleted." (a dashboard incident, too, always has one: Model46, minItems 1).
# Neither document names the answer's status; the fake answers the 400 that the v1 document gives
# a refused deletion (ApiError, `message` required), in the document's own words.
LAST_UPDATE = "The last remaining update cannot be deleted."


def error_body(status: int, message: str | None) -> dict[str, object]:
    """Checkly's error shape: `{statusCode, error, message}`, with its default words."""
    name = _ERRORS.get(status, "Error")
    return {
        "statusCode": status,
        "error": name,
        "message": message or _DEFAULT_MESSAGES.get(status, name),
    }


def canonical(text: str) -> str | None:
    """A GUID written 8-4-4-4-12 (either case) in canonical form; None for anything else."""
    return str(uuid.UUID(text)) if _GUID.fullmatch(text) is not None else None


def incident_key(incident_id: str) -> str:
    """A dashboard incident's UUID, or `<page>/<incident>`, in canonical form."""
    return "/".join(str(uuid.UUID(part)) for part in incident_id.split("/"))


def dashboard_problem(payload: object) -> str | None:
    """Joi-style validation message for a dashboard update body, or None when it is valid."""
    return fields_problem(payload, ("status", "description"), CHECKLY_STATUSES)


def fields_problem(payload: object, allowed: Sequence[str], statuses: Sequence[str]) -> str | None:
    """Joi's message for a body that is not an object of `allowed` keys with a `status` among
    `statuses` and a non-empty string `description`; None when it is one."""
    if not isinstance(payload, dict):
        return '"value" must be of type object'
    for key in payload:
        if key not in allowed:
            return f'"{key}" is not allowed'
    status = payload.get("status")
    if status is None:
        return '"status" is required'
    if status not in statuses:
        return f'"status" must be one of [{", ".join(statuses)}]'
    return _description_problem(payload.get("description"))


def dashboard_edit_problem(payload: object) -> str | None:
    """Joi's message for an invalid IncidentUpdateV1UpdateRequest (a `description`, nothing
    else: a dashboard update keeps its status), or None when it is valid."""
    if not isinstance(payload, dict):
        return '"value" must be of type object'
    for key in payload:
        if key != "description":
            return f'"{key}" is not allowed'
    return _description_problem(payload.get("description"))


def _description_problem(description: object) -> str | None:
    """A required, non-empty string `description`."""
    if description is None:
        return '"description" is required'
    if not isinstance(description, str):
        return '"description" must be a string'
    if not description:
        return '"description" is not allowed to be empty'
    return None


def boolean_query(query: Mapping[str, str], name: str) -> bool | str:
    """The one documented query parameter, as Joi reads a boolean; else Joi's message."""
    for key in query:
        if key != name:
            return f'"{key}" is not allowed'
    text = query.get(name, "false").lower()
    if text not in ("true", "false"):
        return f'"{name}" must be a boolean'
    return text == "true"


def stamp(moment: datetime) -> str:
    """Checkly's timestamp: milliseconds and a Z."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
