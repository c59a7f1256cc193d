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
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.fakes.checkly_pages import (
    query_problem,
    status_page,
    stored_update,
    update_problem,
)
from tests.fakes.checkly_rules import (
    CHECKLY_STATUSES,
    boolean_query,
    canonical,
    dashboard_problem,
    error_body,
    incident_key,
    stamp,
)
from tests.fakes.vendor import Reply, VendorFake

__all__ = ["CHECKLY_STATUSES", "ChecklyFake", "Reply"]


class ChecklyFake(VendorFake):
    """Checkly's incident-update endpoints, in memory."""

    validation_status = 400

    def __init__(
        self,
        key: str = "checkly-key",
        account: str = "3f1a0a4e-0000-4000-8000-00000000acc7",
        incidents: Iterable[str] = ("0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d",),
        *,
        success_shape: str = "list",
        page_incidents: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.key = key
        self.account = account
        self.success_shape = success_shape
        self._updates: dict[str, list[dict[str, Any]]] = {str(uuid.UUID(i)): [] for i in incidents}
        self._last_time = datetime.now(UTC)
        self._created = stamp(self._last_time)
        self._pages: set[str] = set()
        self._opened: dict[str, datetime] = {}
        for key in page_incidents:
            self.add_page_incident(key)
        v3 = "/v3/status-pages/{statusPageId}"
        self.app.router.add_post(v3 + "/incidents/{incidentId}/incident-updates", self.create)
        self.app.router.add_get(v3 + "/incidents/{incidentId}/incident-updates", self._page_list)
        self.app.router.add_get(v3, self._status_page)
        self.app.router.add_post("/v1/incidents/{incidentId}/updates", self.create)
        self.app.router.add_get("/v1/incidents/{id}", self._incident)
        self.app.router.add_get("/v1/accounts/me", self._account)
        self.app.router.add_route("*", "/{tail:.*}", self._no_route)

    def add_incident(self, incident_id: str) -> None:
        """Make an incident exist."""
        with self._lock:
            self._updates.setdefault(str(uuid.UUID(incident_id)), [])

    def add_page_incident(self, key: str, opened_at: datetime | None = None) -> None:
        """Make a status page and its incident (`<page>/<incident>`) exist."""
        canonical = incident_key(key)
        with self._lock:
            self._pages.add(canonical.partition("/")[0])
            self._updates.setdefault(canonical, [])
            self._opened[canonical] = opened_at or datetime.now(UTC) - timedelta(hours=1)

    def add_status_page(self, page: str) -> None:
        """Make a status page exist (with no incident)."""
        with self._lock:
            self._pages.add(str(uuid.UUID(page)))

    def add_updates(
        self, incident_id: str, descriptions: Iterable[str], status: str = "INVESTIGATING"
    ) -> list[dict[str, Any]]:
        """Store updates as if created earlier; returns them."""
        key = incident_key(incident_id)
        return [self.store(key, {"status": status, "description": d}) for d in descriptions]

    def applied(self, incident_id: str) -> list[dict[str, Any]]:
        """The updates stored for an incident, oldest first."""
        with self._lock:
            return [dict(u) for u in self._updates.get(incident_key(incident_id), [])]

    def error(
        self, status: int, message: str | None, errors: Mapping[str, Sequence[str]] | None = None
    ) -> web.Response:
        """Checkly's error shape: `{statusCode, error, message}`."""
        if message is None and errors:
            message = " ".join(t for ts in errors.values() for t in ts)
        return web.json_response(error_body(status, message), status=status)

    def refusal(self, incident: str | None, payload: Any) -> web.Response | None:
        """Checkly's 400 with a Joi-style message for an invalid create body."""
        if incident is not None and incident in self._opened:
            problem = update_problem(payload, self._opened[incident])
        else:
            problem = dashboard_problem(payload)
        return self.error(400, problem) if problem is not None else None

    def not_json(self) -> web.Response:
        """hapi's answer to a payload that does not parse."""
        return self.error(400, "Invalid request payload JSON format")

    def created(self, incident: str, stored: dict[str, Any], reply: Reply | None) -> web.Response:
        """Checkly answers 201 with the update, or 200 with all of them (the chosen shape)."""
        shape = (reply.shape if reply is not None else None) or self.success_shape
        if "/" in incident:
            return web.json_response(stored, status=201)
        if shape == "object":
            return web.json_response({**stored, "incidentId": incident}, status=201)
        return web.json_response(self.applied(incident), status=200)

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
        refusal = self._query_refusal(request)
        if refusal is not None:
            return refusal
        return web.json_response(list(reversed(self.applied(incident)))[:100])

    async def _status_page(self, request: web.Request) -> web.StreamResponse:
        """GET a status page (as `incident-bot doctor` does to check CHECKLY_STATUS_PAGE_ID)."""
        refusal = self._credentials_refusal(request)
        if refusal is None:
            refusal = self._query_refusal(request)
        if refusal is not None:
            return refusal
        page = canonical(request.match_info["statusPageId"])
        if page is None:
            return self.error(400, '"statusPageId" must be a valid GUID')
        with self._lock:
            known = page in self._pages
        if not known:
            return self.error(404, None)
        return web.json_response(status_page(page, self.account, self._created))

    def _query_refusal(self, request: web.Request) -> web.Response | None:
        """400 for a query parameter on a route that documents none."""
        problem = query_problem(request.query)
        return None if problem is None else self.error(400, problem)

    async def _account(self, request: web.Request) -> web.StreamResponse:
        """GET the current account (as `incident-bot doctor` does to check the key)."""
        refusal = self._credentials_refusal(request)
        if refusal is not None:
            return refusal
        return web.json_response({"id": self.account, "name": "Fake account", "settings": {}})

    async def _no_route(self, request: web.Request) -> web.StreamResponse:
        """Any other path: Checkly's 404."""
        return self.error(404, None)

    def checked(self, request: web.Request) -> tuple[str, web.Response | None]:
        """The incident of the path, or the refusal Checkly would answer."""
        refusal = self._credentials_refusal(request)
        if refusal is not None:
            return "", refusal
        names = [n for n in ("statusPageId", "incidentId", "id") if n in request.match_info]
        parts = [canonical(request.match_info[name]) for name in names]
        for name, part in zip(names, parts, strict=True):
            if part is None:
                return "", self.error(400, f'"{name}" must be a valid GUID')
        incident = "/".join(p for p in parts if p is not None)
        with self._lock:
            known = incident in self._updates
        return (incident, None) if known else ("", self.error(404, None))

    def _credentials_refusal(self, request: web.Request) -> web.Response | None:
        """401 for a wrong key or no account header, 403 for another account."""
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return self.error(401, None)
        account = request.headers.get("x-checkly-account")
        if not account:
            return self.error(401, "Missing x-checkly-account header")
        if account != self.account:
            return self.error(403, "You do not have access to this account")
        return None

    def store(self, incident: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Keep a new update with an id and timestamps, as Checkly returns it."""
        with self._lock:
            self._last_time = max(datetime.now(UTC), self._last_time + timedelta(milliseconds=1))
            now = stamp(self._last_time)
            if incident in self._opened:
                page_update = stored_update(payload, now)
                self._updates[incident].append(page_update)
                return dict(page_update)
            stored = {
                "id": str(uuid.uuid4()),
                "status": payload["status"],
                "description": payload["description"],
                "created_at": now,
                "updated_at": None,
            }
            self._updates.setdefault(incident, []).append(stored)
            return dict(stored)
