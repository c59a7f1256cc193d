"""Laravel's response shapes, as Phare (a Laravel app) answers: paginator pages, messages."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any


def validation_summary(errors: Mapping[str, Sequence[str]]) -> str:
    """Laravel's message: the first error, and how many more there are."""
    texts = [t for ts in errors.values() for t in ts]
    if len(texts) <= 1:
        return texts[0] if texts else "Invalid data."
    more = len(texts) - 1
    return f"{texts[0]} (and {more} more error{'s' if more > 1 else ''})"


def paginator_page(
    items: list[dict[str, Any]], page: int, per_page: int, path: str
) -> dict[str, Any]:
    """A Laravel paginator page."""
    total = len(items)
    last_page = max(1, -(-total // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    first = (page - 1) * per_page + 1 if chunk else None
    meta = {
        "current_page": page,
        "from": first,
        "last_page": last_page,
        "path": path,
        "per_page": per_page,
        "to": first + len(chunk) - 1 if first is not None else None,
        "total": total,
    }
    links = {
        "first": f"{path}?page=1",
        "last": f"{path}?page={last_page}",
        "prev": f"{path}?page={page - 1}" if page > 1 else None,
        "next": f"{path}?page={page + 1}" if page < last_page else None,
    }
    return {"data": chunk, "links": links, "meta": meta}


def timestamp(moment: datetime) -> str:
    """Laravel's JSON timestamp: microseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
