"""What the loopback Checkly checks on its v3 status-page lists and openings, as Joi words it.

Lists (checkly-status-pages-v3-incidents / -components-openapi.yaml) take `limit` (integer,
1..100, default 20) and `nextId` (string) and nothing else, and answer `{length, entries,
nextId}`: here `nextId` is the id of the first entry of the next page (null on the last page),
and `length` counts the page's entries. An opening is PublicStatusPageV3IncidentCreate: `name`
(string, at most 255), `incidentUpdates` (exactly one PublicStatusPageV3IncidentUpdateMutation)
required, `componentImpacts` ({componentId: GUID, status}) optional, nothing else. The documents
give no words for a component of another page, nor for an unknown `nextId`: the fake answers
Checkly's 400 shape with UNKNOWN_COMPONENT and UNKNOWN_CURSOR.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tests.fakes.checkly_pages import IMPACT_STATUSES, update_problem
from tests.fakes.checkly_rules import canonical

NAME_LIMIT = 255
UNKNOWN_COMPONENT = "Component {id} does not belong to this status page"
UNKNOWN_CURSOR = '"nextId" does not point to an entry of this list'
_INTEGER = re.compile(r"[+-]?[0-9]+")
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def list_query(query: Mapping[str, str]) -> tuple[int, str | None] | str:
    """`limit` and `nextId` as Joi reads them, or Joi's message for the first problem."""
    for key in query:
        if key not in ("limit", "nextId"):
            return f'"{key}" is not allowed'
    text = query.get("limit", "20")
    if _INTEGER.fullmatch(text.strip()) is None:
        return '"limit" must be a number'
    limit = int(text)
    if limit < 1:
        return '"limit" must be greater than or equal to 1'
    if limit > 100:
        return '"limit" must be less than or equal to 100'
    cursor = query.get("nextId")
    if cursor == "":
        return '"nextId" is not allowed to be empty'
    return limit, cursor


def page_of(entries: Sequence[Mapping[str, Any]], limit: int, cursor: str | None) -> dict[str, Any]:
    """One page from the entry `cursor` names on; raises ValueError for an unknown cursor."""
    ids = [entry["id"] for entry in entries]
    start = 0 if cursor is None else ids.index(cursor)
    chunk = [dict(entry) for entry in entries[start : start + limit]]
    following = ids[start + limit] if start + limit < len(ids) else None
    return {"length": len(chunk), "entries": chunk, "nextId": following}


def opening_problem(payload: object, components: set[str]) -> str | None:
    """Checkly's message for an invalid opening of an incident, or None when it is valid."""
    if not isinstance(payload, dict):
        return '"value" must be of type object'
    for key in payload:
        if key not in ("name", "componentImpacts", "incidentUpdates"):
            return f'"{key}" is not allowed'
    return (
        _name_problem(payload.get("name"))
        or _first_update_problem(payload.get("incidentUpdates"))
        or _impacts_problem(payload.get("componentImpacts", []), components)
    )


def _name_problem(name: object) -> str | None:
    """The incident's name: a non-empty string of at most 255 characters."""
    if name is None:
        return '"name" is required'
    if not isinstance(name, str):
        return '"name" must be a string'
    if not name:
        return '"name" is not allowed to be empty'
    if len(name) > NAME_LIMIT:
        return f'"name" length must be less than or equal to {NAME_LIMIT} characters long'
    return None


def _first_update_problem(updates: object) -> str | None:
    """Exactly one valid update, the one that opens the incident."""
    if updates is None:
        return '"incidentUpdates" is required'
    if not isinstance(updates, list):
        return '"incidentUpdates" must be an array'
    if len(updates) != 1:
        return '"incidentUpdates" must contain 1 items'
    problem = update_problem(updates[0], _EARLIEST)
    return None if problem is None else _nested("incidentUpdates[0]", problem)


def _impacts_problem(impacts: object, components: set[str]) -> str | None:
    """Each impact: a component of this page and a documented status, nothing else."""
    if not isinstance(impacts, list):
        return '"componentImpacts" must be an array'
    for index, impact in enumerate(impacts):
        where = f"componentImpacts[{index}]"
        if not isinstance(impact, dict):
            return f'"{where}" must be of type object'
        for key in impact:
            if key not in ("componentId", "status"):
                return f'"{where}.{key}" is not allowed'
        if "componentId" not in impact:
            return f'"{where}.componentId" is required'
        component = impact["componentId"]
        if not isinstance(component, str) or canonical(component) is None:
            return f'"{where}.componentId" must be a valid GUID'
        if impact.get("status") not in IMPACT_STATUSES:
            if "status" not in impact:
                return f'"{where}.status" is required'
            return f'"{where}.status" must be one of [{", ".join(IMPACT_STATUSES)}]'
        if canonical(component) not in components:
            return UNKNOWN_COMPONENT.format(id=component)
    return None


def _nested(prefix: str, problem: str) -> str:
    """A message about a nested value, with its path as Joi writes it."""
    if problem.startswith('"value"'):
        return f'"{prefix}"' + problem[len('"value"') :]
    return f'"{prefix}.' + problem[1:]
