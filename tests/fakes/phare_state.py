"""What the Phare fake holds: incidents and their updates, as Phare would show them."""

import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.laravel import timestamp
from tests.fakes.phare_shapes import incident_record, opened_record

_EDITABLE = ("state", "content", "published_at")


class PhareRecords:
    """Incidents (by id) and their updates (oldest first); thread-safe; copies handed out."""

    def __init__(self, incidents: Iterable[int]) -> None:
        self._lock = threading.Lock()
        self._incidents: dict[int, dict[str, Any]] = {}
        self._updates: dict[int, list[dict[str, Any]]] = {}
        self._last_id = 1000
        self._last_time = datetime.now(UTC)
        for incident_id in incidents:
            self.add_incident(incident_id)

    def _tick(self) -> tuple[int, str]:
        """A new id and a timestamp later than any given before (call with the lock held)."""
        self._last_id += 1
        self._last_time = max(datetime.now(UTC), self._last_time + timedelta(microseconds=1))
        return self._last_id, timestamp(self._last_time)

    def add_incident(
        self, incident_id: int, *, title: str | None = None, created_at: datetime | None = None
    ) -> dict[str, Any]:
        """Make an incident exist (created now unless told when); keeps one already there."""
        created = timestamp(created_at or datetime.now(UTC))
        with self._lock:
            self._last_id = max(self._last_id, incident_id)
            record = self._incidents.setdefault(
                incident_id, incident_record(incident_id, created, title)
            )
            self._updates.setdefault(incident_id, [])
            return dict(record)

    def open(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Create an incident from a valid body, as `POST /uptime/incidents` does."""
        with self._lock:
            incident_id, now = self._tick()
            record = opened_record(incident_id, payload, now)
            self._incidents[incident_id] = record
            self._updates[incident_id] = []
            return dict(record)

    def incident(self, incident_id: int) -> dict[str, Any] | None:
        """The incident as Phare shows it, or None when there is no such incident."""
        with self._lock:
            record = self._incidents.get(incident_id)
            return None if record is None else dict(record)

    def incidents(self) -> list[dict[str, Any]]:
        """Every incident, oldest first."""
        with self._lock:
            records = [dict(r) for r in self._incidents.values()]
        return sorted(records, key=lambda r: (r["created_at"], r["id"]))

    def recover(self, incident_id: int) -> None:
        """Mark the incident recovered (once: recovering again changes nothing)."""
        with self._lock:
            record = self._incidents[incident_id]
            if record["status"] != "recovered":
                _, now = self._tick()
                record |= {"status": "recovered", "recovery_at": now, "updated_at": now}

    def add_update(self, incident_id: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Keep a new update with an id and timestamps, as Phare returns it."""
        with self._lock:
            update_id, now = self._tick()
            stored = {
                "id": update_id,
                "state": payload["state"],
                "content": payload["content"],
                "published_at": payload.get("published_at") or now,
                "creator": {"id": 7, "type": "api_key", "label": "incident-bot"},
                "created_at": now,
                "updated_at": now,
            }
            self._updates.setdefault(incident_id, []).append(stored)
            return dict(stored)

    def updates(self, incident_id: int) -> list[dict[str, Any]]:
        """The incident's updates, oldest first."""
        with self._lock:
            return [dict(u) for u in self._updates.get(incident_id, [])]

    def has_update(self, incident_id: int, update_id: int) -> bool:
        """Whether the update exists and belongs to the incident."""
        with self._lock:
            return any(u["id"] == update_id for u in self._updates.get(incident_id, []))

    def edit(self, incident_id: int, update_id: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Change the fields a valid edit body gives; returns the update as it now is."""
        with self._lock:
            (stored,) = (u for u in self._updates[incident_id] if u["id"] == update_id)
            _, now = self._tick()
            given = {k: v for k, v in payload.items() if k in _EDITABLE}
            stored |= {**given, "updated_at": now}
            return dict(stored)

    def delete(self, incident_id: int, update_id: int) -> None:
        """Remove the update."""
        with self._lock:
            kept = [u for u in self._updates[incident_id] if u["id"] != update_id]
            self._updates[incident_id] = kept
