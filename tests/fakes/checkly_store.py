"""What the loopback Checkly holds: dashboard incidents, status pages with their incidents and
components, and every incident's updates (oldest first); thread-safe.

A status-page incident is keyed `<page>/<incident>` as the bot writes it; it is closed while its
newest update is RESOLVED (a RESOLVED update closes it; a later update opens it again).
"""

import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.checkly_pages import PageIncident, stored_update
from tests.fakes.checkly_rules import stamp


class ChecklyStore:
    """Checkly's records, in memory."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._updates: dict[str, list[dict[str, Any]]] = {}
        self._pages: set[str] = set()
        self._incidents: dict[str, PageIncident] = {}
        self._components: dict[str, list[dict[str, Any]]] = {}
        self._last_time = datetime.now(UTC)

    def now(self) -> datetime:
        """The current time, later than any time handed out before."""
        with self._lock:
            self._last_time = max(datetime.now(UTC), self._last_time + timedelta(milliseconds=1))
            return self._last_time

    def add_dashboard_incident(self, incident: str) -> None:
        """Make a dashboard incident exist."""
        with self._lock:
            self._updates.setdefault(incident, [])

    def add_page(self, page: str) -> None:
        """Make a status page exist."""
        with self._lock:
            self._pages.add(page)

    def add_page_incident(self, key: str, opened_at: datetime, name: str) -> None:
        """Make a status page and its incident exist, with no update yet."""
        with self._lock:
            self._pages.add(key.partition("/")[0])
            self._updates.setdefault(key, [])
            self._incidents.setdefault(key, PageIncident(name, opened_at, opened_at))

    def add_component(self, page: str, name: str, **fields: Any) -> dict[str, Any]:
        """Add a component (PublicStatusPageV3Component) at the end of the page's order."""
        with self._lock:
            self._pages.add(page)
            listed = self._components.setdefault(page, [])
            component = {
                "type": "SERVICE",
                "name": name,
                "description": None,
                "displayOrder": len(listed),
                "hidden": False,
                "parentId": None,
                **fields,
                "id": str(uuid.uuid4()),
                "statusPageId": page,
                "created_at": stamp(self.now()),
                "updated_at": None,
            }
            listed.append(component)
            return dict(component)

    def knows(self, key: str) -> bool:
        """Whether the incident (dashboard UUID or `<page>/<incident>`) exists."""
        with self._lock:
            return key in self._updates

    def knows_page(self, page: str) -> bool:
        """Whether the status page exists."""
        with self._lock:
            return page in self._pages

    def opened_at(self, key: str) -> datetime | None:
        """When a status-page incident opened; None for a dashboard incident."""
        with self._lock:
            record = self._incidents.get(key)
            return None if record is None else record.opened_at

    def component_ids(self, page: str) -> set[str]:
        """The ids of the page's components."""
        with self._lock:
            return {c["id"] for c in self._components.get(page, [])}

    def components(self, page: str) -> list[dict[str, Any]]:
        """The page's components in display order."""
        with self._lock:
            return [dict(c) for c in self._components.get(page, [])]

    def updates(self, key: str) -> list[dict[str, Any]]:
        """The incident's updates, oldest first."""
        with self._lock:
            return [dict(u) for u in self._updates.get(key, [])]

    def add_update(self, key: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Keep a new update with an id and timestamps, as Checkly returns it."""
        with self._lock:
            now = self.now()
            if key in self._incidents:
                stored = stored_update(payload, stamp(now))
                self._touch(key, now)
            else:
                stored = _dashboard_update(payload, stamp(now))
            self._updates.setdefault(key, []).append(stored)
            return dict(stored)

    def open_incident(self, page: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Open an incident from a valid PublicStatusPageV3IncidentCreate; returns it."""
        with self._lock:
            key = f"{page}/{uuid.uuid4()}"
            now = self.now()
            started = stamp(now)
            impacts = [
                {**impact, "startedAt": started} for impact in body.get("componentImpacts", [])
            ]
            self._incidents[key] = PageIncident(body["name"], now, now, None, impacts)
            self._updates[key] = [stored_update(body["incidentUpdates"][0], started)]
            return self.incident(key)

    def edit_update(
        self, key: str, update_id: str, payload: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Replace an update's fields as a PUT does; None when there is no such update."""
        with self._lock:
            found = [u for u in self._updates.get(key, []) if u["id"] == update_id]
            if not found:
                return None
            now = self.now()
            if key in self._incidents:
                replaced = stored_update(payload, stamp(now))
                found[0].update(
                    {k: v for k, v in replaced.items() if k not in ("id", "created_at")}
                )
                self._touch(key, now)
            else:
                found[0].update(description=payload["description"], updated_at=stamp(now))
            return dict(found[0])

    def delete_update(self, key: str, update_id: str) -> str:
        """Delete an update: "deleted", "missing", or "last" (the last one is kept)."""
        with self._lock:
            updates = self._updates.get(key, [])
            if not any(u["id"] == update_id for u in updates):
                return "missing"
            if len(updates) == 1:
                return "last"
            self._updates[key] = [u for u in updates if u["id"] != update_id]
            if key in self._incidents:
                self._touch(key, self.now())
            return "deleted"

    def _touch(self, key: str, now: datetime) -> None:
        """Note that a status-page incident changed."""
        record = self._incidents[key]
        record.touched_at, record.updated = now, stamp(now)

    def incident(self, key: str, *, with_updates: bool = True) -> dict[str, Any]:
        """A status-page incident as Checkly shows it (updates newest first, if asked)."""
        with self._lock:
            record, updates = self._incidents[key], self._updates[key]
            shown = record.listed(key, updates)
            if with_updates:
                shown["incidentUpdates"] = [dict(u) for u in reversed(updates)]
            return shown

    def page_incidents(self, page: str) -> list[dict[str, Any]]:
        """The page's incidents as listed: most recently updated first, without updates."""
        with self._lock:
            keys = [k for k in self._incidents if k.partition("/")[0] == page]
            keys.sort(key=lambda k: self._incidents[k].touched_at, reverse=True)
            return [self.incident(k, with_updates=False) for k in keys]

    def is_closed(self, key: str) -> bool:
        """Whether the status-page incident is closed (its newest update is RESOLVED)."""
        with self._lock:
            updates = self._updates[key]
            return bool(updates) and updates[-1]["status"] == "RESOLVED"


def _dashboard_update(payload: Mapping[str, Any], now: str) -> dict[str, Any]:
    """A dashboard incident's update as Checkly returns it (Model45)."""
    return {
        "id": str(uuid.uuid4()),
        "status": payload["status"],
        "description": payload["description"],
        "created_at": now,
        "updated_at": None,
    }
