"""What Phare accepts and answers, as its documents say: the create rules, pages, an incident."""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tests.fakes.laravel import integer_rules

PHARE_STATES = ("unknown", "investigating", "identified", "monitoring", "resolved")
MAX_CONTENT = 10_000
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


def incident_record(incident_id: int, created: str) -> dict[str, Any]:
    """An incident as Phare lists it (every documented field)."""
    return {
        "id": incident_id,
        "project_id": 1,
        "type": "manual",
        "slug": f"INC-{incident_id}",
        "impact": "major_outage",
        "state": "investigating",
        "status": "ongoing",
        "title": f"Incident {incident_id}",
        "description": "Checkout answers 503.",
        "exclude_from_downtime": False,
        "incident_at": created,
        "recovery_at": None,
        "monitors": [1],
        "created_at": created,
        "updated_at": created,
    }


def update_errors(payload: Mapping[str, Any]) -> dict[str, list[str]]:
    """Laravel-style field errors for a create body."""
    errors: dict[str, list[str]] = {}
    state = payload.get("state")
    if state is None or state == "":
        errors["state"] = ["The state field is required."]
    elif state not in PHARE_STATES:
        errors["state"] = ["The selected state is invalid."]
    content = payload.get("content")
    if content is None or (isinstance(content, str) and not content.strip()):
        errors["content"] = ["The content field is required."]
    elif not isinstance(content, str):
        errors["content"] = ["The content field must be a string."]
    elif len(content.strip()) > MAX_CONTENT:
        errors["content"] = [
            f"The content field must not be greater than {MAX_CONTENT} characters."
        ]
    published_at = payload.get("published_at")
    if published_at is not None and not is_date_time(published_at):
        errors["published_at"] = ["The published at field must be a valid date."]
    return errors


def is_date_time(value: object) -> bool:
    """Whether the value is an ISO 8601 date-time string."""
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
