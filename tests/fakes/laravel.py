"""Laravel's response shapes, as Phare (a Laravel app) answers: simple pages, messages, rules."""

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)


def validation_summary(errors: Mapping[str, Sequence[str]]) -> str:
    """Laravel's message: the first error, and how many more there are."""
    texts = [t for ts in errors.values() for t in ts]
    if len(texts) <= 1:
        return texts[0] if texts else "Invalid data."
    more = len(texts) - 1
    return f"{texts[0]} (and {more} more error{'s' if more > 1 else ''})"


def simple_page(
    items: Sequence[dict[str, Any]], page: int, per_page: int, path: str
) -> dict[str, Any]:
    """One page as Phare documents it (Laravel's simple paginator): no total, no last page.

    `path` is the full URL without its query. `meta` has current_page, from, to, per_page and
    path; `links` has first, last (always null: the last page is never counted), prev and next
    (null on the last page). Links carry only `page`, as Laravel writes them.
    """
    start = (page - 1) * per_page
    chunk = list(items[start : start + per_page])
    meta = {
        "current_page": page,
        "from": start + 1 if chunk else None,
        "to": start + len(chunk) if chunk else None,
        "per_page": per_page,
        "path": path,
    }
    links = {
        "first": f"{path}?page=1",
        "last": None,
        "prev": f"{path}?page={page - 1}" if page > 1 else None,
        "next": f"{path}?page={page + 1}" if len(items) > start + per_page else None,
    }
    return {"data": chunk, "meta": meta, "links": links}


def integer_rules(
    query: Mapping[str, str], name: str, label: str, *, default: int, least: int, most: int | None
) -> int | list[str]:
    """A query integer checked as Laravel's `integer|min|max` rules word it; errors as a list."""
    text = query.get(name)
    if text is None:
        return default
    if _INTEGER.fullmatch(text) is None:
        return [f"The {label} field must be an integer."]
    value = int(text)
    if value < least:
        return [f"The {label} field must be at least {least}."]
    if most is not None and value > most:
        return [f"The {label} field must not be greater than {most}."]
    return value


def timestamp(moment: datetime) -> str:
    """Laravel's JSON timestamp: microseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
