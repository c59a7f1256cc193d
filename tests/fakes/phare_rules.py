"""The bodies Phare accepts, checked as its document says and worded as Laravel words refusals.

Laravel trims strings and turns empty ones into null before validating; the rules read the
body the same way. A field the document does not list is refused as prohibited, so that a
misspelt field never passes unnoticed.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

PHARE_STATES = ("unknown", "investigating", "identified", "monitoring", "resolved")
PHARE_IMPACTS = ("unknown", "degraded_performance", "partial_outage", "major_outage")
MAX_CONTENT = 10_000
MAX_TITLE = 250
MAX_DESCRIPTION = 2_000
MAX_MONITORS = 100
_NULLABLE = frozenset({"incident_at", "recovery_at"})

Errors = dict[str, list[str]]
Rule = Callable[[str, Any], Errors]


def update_errors(payload: Mapping[str, Any]) -> Errors:
    """Field errors for an update's create body: state and content required."""
    return _checked(payload, _UPDATE_RULES, required=("state", "content"))


def edit_errors(payload: Mapping[str, Any]) -> Errors:
    """Field errors for an update's edit body: the same fields, none required."""
    return _checked(payload, _UPDATE_RULES, required=())


def incident_errors(payload: Mapping[str, Any]) -> Errors:
    """Field errors for an incident's create body."""
    required = ("title", "exclude_from_downtime", "impact")
    return _checked(payload, _INCIDENT_RULES, required=required)


def _checked(
    payload: Mapping[str, Any], rules: Mapping[str, Rule], *, required: tuple[str, ...]
) -> Errors:
    """Each documented field's errors, in the document's order, then the fields it lacks."""
    errors: Errors = {}
    for name, rule in rules.items():
        value = _cleaned(payload.get(name))
        if value is None and name in required:
            errors[name] = [f"The {_label(name)} field is required."]
        elif value is not None or (name in payload and name not in _NULLABLE):
            errors |= rule(name, value)
    for name in payload:
        if name not in rules:
            errors[name] = [f"The {_label(name)} field is prohibited."]
    return errors


def _cleaned(value: object) -> object:
    """The value as Laravel validates it: strings trimmed, empty strings null."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def _label(name: str) -> str:
    """A field's name as Laravel words it."""
    return name.replace("_", " ")


def _text(most: int) -> Rule:
    """`string|max:most`."""

    def rule(name: str, value: Any) -> Errors:
        if not isinstance(value, str):
            return {name: [f"The {_label(name)} field must be a string."]}
        if len(value) > most:
            return {name: [f"The {_label(name)} field must not be greater than {most} characters."]}
        return {}

    return rule


def _one_of(words: tuple[str, ...]) -> Rule:
    """`in:words`."""

    def rule(name: str, value: Any) -> Errors:
        return {} if value in words else {name: [f"The selected {_label(name)} is invalid."]}

    return rule


def _date(name: str, value: Any) -> Errors:
    """`date`: an ISO 8601 date-time."""
    return (
        {} if is_date_time(value) else {name: [f"The {_label(name)} field must be a valid date."]}
    )


def _boolean(name: str, value: Any) -> Errors:
    """`boolean`: true, false, 0, 1, "0" or "1"."""
    if value in (True, False, "0", "1") and type(value) in (bool, int, str):
        return {}
    return {name: [f"The {_label(name)} field must be true or false."]}


def _monitors(name: str, value: Any) -> Errors:
    """`array|min:1|max:100`, each an integer."""
    if not isinstance(value, list):
        return {name: [f"The {name} field must be an array."]}
    if not value:
        return {name: [f"The {name} field must have at least 1 items."]}
    if len(value) > MAX_MONITORS:
        return {name: [f"The {name} field must not have more than {MAX_MONITORS} items."]}
    return {
        f"{name}.{n}": [f"The {name}.{n} field must be an integer."]
        for n, item in enumerate(value)
        if isinstance(item, bool) or not isinstance(item, int)
    }


def is_date_time(value: object) -> bool:
    """Whether the value is an ISO 8601 date-time string."""
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


_UPDATE_RULES: Mapping[str, Rule] = {
    "state": _one_of(PHARE_STATES),
    "content": _text(MAX_CONTENT),
    "published_at": _date,
}
_INCIDENT_RULES: Mapping[str, Rule] = {
    "title": _text(MAX_TITLE),
    "description": _text(MAX_DESCRIPTION),
    "exclude_from_downtime": _boolean,
    "incident_at": _date,
    "recovery_at": _date,
    "monitors": _monitors,
    "impact": _one_of(PHARE_IMPACTS),
}
