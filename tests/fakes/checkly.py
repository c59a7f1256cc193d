"""ChecklyFake: a loopback Checkly that checks requests as Checkly does and can be scripted.

    fake = ChecklyFake(key="checkly-key", account=ACCOUNT, incidents={INCIDENT_UUID})
    fake.script(Reply.rate_limited(retry_after=30), Reply.ok(shape="object"))
    with LoopbackServer(fake.app) as server:             # ChecklySettings(api_url=server.url, ...)
        ...
    fake.applied(INCIDENT_UUID)   # updates stored for the incident, oldest first
    fake.requests                 # every RecordedRequest; fake.latency = 0.3 delays every answer

Status pages (v3, see tests/fakes/checkly_pages.py): `page_incidents={"<page>/<incident>"}`
or `add_page_incident(key, opened_at=...)` make a status page and its incident exist (opened an
hour ago unless told); POST and GET `/v3/status-pages/{statusPageId}/incidents/{incidentId}/
incident-updates` (201 with the created update; the list newest first, at most 100) and GET
`/v3/status-pages/{statusPageId}` are served, checked as the document says (GUIDs, the body's
fields and enums, no query parameters), 404 for an unknown page or incident, 400 for a publish
time before the incident opened. `applied("<page>/<incident>")` reads its updates.

Routes: POST `/v1/incidents/{incidentId}/updates`, GET `/v1/incidents/{id}` (the documented
incident: name, impact, startedAt, stoppedAt, dashboardId, id, created_at, updated_at and
incidentUpdates; with `includeAllIncidentUpdates=true` every update, newest first, else only the
newest). Unscripted, the fake behaves like Checkly (errors shaped `{statusCode, error, message}`):
401 for a wrong or missing bearer key or a missing `x-checkly-account`; 403 for another account;
400 for a path id that is not a GUID, a query parameter other than a boolean
`includeAllIncidentUpdates`, a body that is not JSON, a missing or bad `status` (exact upper-case
enum), a missing, non-string or empty `description`, or any other key; 404 for an unknown
incident; else success: by default 200 with the incident's updates as a list
(`success_shape="list"`), or 201 with the one created object and its `incidentId`
(`success_shape="object"`, or `Reply.ok(shape="object")` for one request).
See tests/fakes/vendor.py for every Reply.

Opening, listing, editing, deleting (tests/fakes/checkly_operations.py, checked as the documents
say; 404 for an unknown page, incident or update):
POST `/v3/status-pages/{statusPageId}/incidents` (201, the opened incident with its one update),
GET `.../incidents` and `.../components` (`limit` 1..100, default 20, and `nextId`; answered
`{length, entries, nextId}`; incidents most recently updated first, components in display
order), PUT and DELETE `.../incidents/{incidentId}/incident-updates/{incidentUpdateId}` and
`/v1/incidents/{incidentId}/updates/{id}` (200 with the edited update; 204; 400 LAST_UPDATE for
an incident's last update). `add_components(page, ["API", "Web"])` seeds components (returned
with their ids); `incidents_on(page)`, `is_closed("<page>/<incident>")` (its newest update is
RESOLVED) and `components(page)` read what Checkly holds.

Scripting a route: `script(*replies, route=...)`, route "publish" (creating an update, the
default), "open", "incidents", "components", "edit" or "delete": the same Replies, one per
request to that route, e.g. `script(Reply.apply_then_hang(), route="open")` opens the incident,
then holds the request open until the client goes away; `script(Reply.server_error(503),
route="delete")`; `script(Reply.rate_limited(retry_after=5), route="components")`.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.fakes.checkly_operations import ChecklyOperations
from tests.fakes.checkly_pages import status_page, update_problem
from tests.fakes.checkly_rules import (
    CHECKLY_STATUSES,
    boolean_query,
    dashboard_problem,
    incident_key,
    stamp,
)
from tests.fakes.vendor import Reply

__all__ = ["CHECKLY_STATUSES", "ChecklyFake", "Reply"]


class ChecklyFake(ChecklyOperations):
    """Checkly's incident and status-page endpoints, in memory."""

    def __init__(
        self,
        key: str = "checkly-key",
        account: str = "3f1a0a4e-0000-4000-8000-00000000acc7",
        incidents: Iterable[str] = ("0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d",),
        *,
        success_shape: str = "list",
        page_incidents: Iterable[str] = (),
    ) -> None:
        super().__init__(key, account)
        self.success_shape = success_shape
        self._created = stamp(datetime.now(UTC))
        for incident in incidents:
            self.add_incident(incident)
        for page_incident in page_incidents:
            self.add_page_incident(page_incident)
        v3 = "/v3/status-pages/{statusPageId}"
        self.app.router.add_post(v3 + "/incidents/{incidentId}/incident-updates", self.create)
        self.app.router.add_get(v3 + "/incidents/{incidentId}/incident-updates", self._page_list)
        self.app.router.add_get(v3, self._status_page)
        self.add_operation_routes()
        self.app.router.add_post("/v1/incidents/{incidentId}/updates", self.create)
        self.app.router.add_get("/v1/incidents/{id}", self._incident)
        self.app.router.add_get("/v1/accounts/me", self._account)
        self.app.router.add_route("*", "/{tail:.*}", self._no_route)

    def add_incident(self, incident_id: str) -> None:
        """Make a dashboard incident exist."""
        self.records.add_dashboard_incident(str(uuid.UUID(incident_id)))

    def add_page_incident(
        self, key: str, opened_at: datetime | None = None, name: str = "Checkout is failing"
    ) -> None:
        """Make a status page and its incident (`<page>/<incident>`) exist, with no update yet."""
        when = opened_at or datetime.now(UTC) - timedelta(hours=1)
        self.records.add_page_incident(incident_key(key), when, name)

    def add_status_page(self, page: str) -> None:
        """Make a status page exist (with no incident)."""
        self.records.add_page(str(uuid.UUID(page)))

    def add_components(self, page: str, names: Iterable[str]) -> list[dict[str, Any]]:
        """Add components to a status page (made to exist), in this order; returns them."""
        return [self.records.add_component(str(uuid.UUID(page)), name) for name in names]

    def add_updates(
        self, incident_id: str, descriptions: Iterable[str], status: str = "INVESTIGATING"
    ) -> list[dict[str, Any]]:
        """Store updates as if created earlier; returns them."""
        key = incident_key(incident_id)
        return [self.store(key, {"status": status, "description": d}) for d in descriptions]

    def applied(self, incident_id: str) -> list[dict[str, Any]]:
        """The updates stored for an incident, oldest first."""
        return self.records.updates(incident_key(incident_id))

    def incidents_on(self, page: str) -> list[dict[str, Any]]:
        """A status page's incidents as Checkly shows each (with its updates, newest first),
        most recently updated first; the key of one is `f"{page}/{incident['id']}"`."""
        listed = self.records.page_incidents(str(uuid.UUID(page)))
        return [self.records.incident(f"{i['statusPageId']}/{i['id']}") for i in listed]

    def is_closed(self, key: str) -> bool:
        """Whether a status-page incident is closed (its newest update is RESOLVED)."""
        return self.records.is_closed(incident_key(key))

    def components(self, page: str) -> list[dict[str, Any]]:
        """A status page's components, in display order."""
        return self.records.components(str(uuid.UUID(page)))

    def refusal(self, incident: str | None, payload: Any) -> web.Response | None:
        """Checkly's 400 with a Joi-style message for an invalid create body."""
        opened = None if incident is None else self.records.opened_at(incident)
        problem = dashboard_problem(payload) if opened is None else update_problem(payload, opened)
        return self.error(400, problem) if problem is not None else None

    def created(self, incident: str, stored: dict[str, Any], reply: Reply | None) -> web.Response:
        """Checkly answers 201 with the update, or 200 with all of them (the chosen shape)."""
        shape = (reply.shape if reply is not None else None) or self.success_shape
        if "/" in incident:
            return web.json_response(stored, status=201)
        if shape == "object":
            return web.json_response({**stored, "incidentId": incident}, status=201)
        return web.json_response(self.applied(incident), status=200)

    def store(self, incident: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Keep a new update with an id and timestamps, as Checkly returns it."""
        return self.records.add_update(incident, payload)

    async def _incident(self, request: web.Request) -> web.StreamResponse:
        """GET the incident with its updates (all of them only when asked)."""
        incident, answer = await self.listing(request)
        if answer is not None:
            return answer
        include_all = boolean_query(request.query, "includeAllIncidentUpdates")
        if isinstance(include_all, str):
            return self.error(400, include_all)
        updates = list(reversed(self.applied(incident)))
        return web.json_response(
            {
                "name": "Checkout is failing",
                "impact": "MAJOR",
                "startedAt": self._created,
                "stoppedAt": None,
                "dashboardId": 1234,
                "id": incident,
                "created_at": self._created,
                "updated_at": None,
                "incidentUpdates": updates if include_all else updates[:1],
            }
        )

    async def _page_list(self, request: web.Request) -> web.StreamResponse:
        """GET a status-page incident's updates: newest first, at most 100, not paged."""
        incident, answer = await self.listing(request)
        if answer is not None:
            return answer
        refusal = self.query_refusal(request)
        if refusal is not None:
            return refusal
        return web.json_response(list(reversed(self.applied(incident)))[:100])

    async def _status_page(self, request: web.Request) -> web.StreamResponse:
        """GET a status page (as `incident-bot doctor` does to check CHECKLY_STATUS_PAGE_ID)."""
        page, refusal = self.page_checked(request)
        if refusal is None:
            refusal = self.query_refusal(request)
        if refusal is not None:
            return refusal
        return web.json_response(status_page(page, self.account, self._created))

    async def _account(self, request: web.Request) -> web.StreamResponse:
        """GET the current account (as `incident-bot doctor` does to check the key)."""
        refusal = self.credentials_refusal(request)
        if refusal is not None:
            return refusal
        return web.json_response({"id": self.account, "name": "Fake account", "settings": {}})

    async def _no_route(self, request: web.Request) -> web.StreamResponse:
        """Any other path: Checkly's 404."""
        return self.error(404, None)
