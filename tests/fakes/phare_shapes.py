"""What Phare answers, as its documents say: page parameters, incidents as Phare shows them."""

import re
from collections.abc import Mapping
from typing import Any

from tests.fakes.laravel import integer_rules

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def page_query(query: Mapping[str, str]) -> tuple[int, int] | dict[str, list[str]]:
    """`page` (integer >= 1, default 1) and `per_page` (1..100, default 20), or field errors."""
    page = integer_rules(query, "page", "page", default=1, least=1, most=None)
    per_page = integer_rules(
        query, "per_page", "per page", default=DEFAULT_PER_PAGE, least=1, most=MAX_PER_PAGE
    )
    if isinstance(page, int) and isinstance(per_page, int):
        return page, per_page
    checked = (("page", page), ("per_page", per_page))
    return {name: result for name, result in checked if isinstance(result, list)}


def monitor_errors(values: list[str]) -> dict[str, list[str]]:
    """Field errors for the `monitor_id` filter: each value an integer."""
    if all(_DIGITS.fullmatch(v) for v in values):
        return {}
    return {"monitor_id": ["The monitor id field must be an integer."]}


def incident_record(incident_id: int, created: str, title: str | None = None) -> dict[str, Any]:
    """An incident as Phare lists it (every documented field)."""
    return {
        "id": incident_id,
        "project_id": 1,
        "type": "manual",
        "slug": f"INC-{incident_id}",
        "impact": "major_outage",
        "state": "investigating",
        "status": "ongoing",
        "title": title or f"Incident {incident_id}",
        "description": "Checkout answers 503.",
        "exclude_from_downtime": False,
        "incident_at": created,
        "recovery_at": None,
        "monitors": [1],
        "created_at": created,
        "updated_at": created,
    }


def opened_record(incident_id: int, payload: Mapping[str, Any], created: str) -> dict[str, Any]:
    """A manual incident as Phare answers its creation: the body's fields, Phare's own around
    them (fields the body left out and the document does not require are left out too)."""
    record: dict[str, Any] = {
        "id": incident_id,
        "project_id": 1,
        "type": "manual",
        "slug": f"INC-{incident_id}",
        "impact": payload["impact"].strip(),
        "state": "unknown",
        "status": "ongoing",
        "title": payload["title"].strip(),
        "exclude_from_downtime": payload["exclude_from_downtime"] in (True, 1, "1"),
        "incident_at": payload.get("incident_at") or created,
        "recovery_at": payload.get("recovery_at"),
        "created_at": created,
        "updated_at": created,
    }
    description, monitors = payload.get("description"), payload.get("monitors")
    if isinstance(description, str) and description.strip():
        record["description"] = description.strip()
    if monitors:
        record["monitors"] = list(monitors)
    return record
