"""ChecklyFake: a loopback Checkly that checks requests as Checkly does and can be scripted.

    fake = ChecklyFake(key="checkly-key", account=ACCOUNT, incidents={INCIDENT_UUID})
    fake.script(Reply.rate_limited(retry_after=30), Reply.ok(shape="object"))
    with LoopbackServer(fake.app) as server:             # ChecklySettings(api_url=server.url, ...)
        ...
    fake.applied(INCIDENT_UUID)   # updates stored for the incident, oldest first
    fake.requests                 # every RecordedRequest; fake.latency = 0.3 delays every answer

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

from tests.fakes.vendor import Reply, VendorFake

CHECKLY_STATUSES = ("INVESTIGATING", "IDENTIFIED", "MONITORING", "RESOLVED", "MAINTENANCE")
_ERRORS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    420: "Enhance Your Calm",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_DEFAULT_MESSAGES = {401: "Bad Token", 500: "An internal server error occurred"}

__all__ = ["CHECKLY_STATUSES", "ChecklyFake", "Reply"]


def _canonical(text: str) -> str | None:
    """A UUID in canonical form, or None for anything else."""
    if len(text) != 36:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


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
    ) -> None:
        super().__init__()
        self.key = key
        self.account = account
        self.success_shape = success_shape
        self._updates: dict[str, list[dict[str, Any]]] = {str(uuid.UUID(i)): [] for i in incidents}
        self._last_time = datetime.now(UTC)
        self._created = _stamp(self._last_time)
        self.app.router.add_post("/v1/incidents/{incidentId}/updates", self.create)
        self.app.router.add_get("/v1/incidents/{id}", self._incident)
        self.app.router.add_get("/v1/accounts/me", self._account)
        self.app.router.add_route("*", "/{tail:.*}", self._no_route)

    def add_incident(self, incident_id: str) -> None:
        """Make an incident exist."""
        with self._lock:
            self._updates.setdefault(str(uuid.UUID(incident_id)), [])

    def add_updates(
        self, incident_id: str, descriptions: Iterable[str], status: str = "INVESTIGATING"
    ) -> list[dict[str, Any]]:
        """Store updates as if created earlier; returns them."""
        key = str(uuid.UUID(incident_id))
        return [self.store(key, {"status": status, "description": d}) for d in descriptions]

    def applied(self, incident_id: str) -> list[dict[str, Any]]:
        """The updates stored for an incident, oldest first."""
        with self._lock:
            return [dict(u) for u in self._updates.get(str(uuid.UUID(incident_id)), [])]

    def error(
        self, status: int, message: str | None, errors: Mapping[str, Sequence[str]] | None = None
    ) -> web.Response:
        """Checkly's error shape: `{statusCode, error, message}`."""
        if message is None and errors:
            message = " ".join(t for ts in errors.values() for t in ts)
        name = _ERRORS.get(status, "Error")
        text = message or _DEFAULT_MESSAGES.get(status, name)
        body = {"statusCode": status, "error": name, "message": text}
        return web.json_response(body, status=status)

    def refusal(self, payload: Any) -> web.Response | None:
        """Checkly's 400 with a Joi-style message for an invalid create body."""
        problem = _validate(payload)
        return self.error(400, problem) if problem is not None else None

    def not_json(self) -> web.Response:
        """hapi's answer to a payload that does not parse."""
        return self.error(400, "Invalid request payload JSON format")

    def created(self, incident: str, stored: dict[str, Any], reply: Reply | None) -> web.Response:
        """Checkly answers 201 with the update, or 200 with all of them (the chosen shape)."""
        shape = (reply.shape if reply is not None else None) or self.success_shape
        if shape == "object":
            return web.json_response({**stored, "incidentId": incident}, status=201)
        return web.json_response(self.applied(incident), status=200)

    async def _incident(self, request: web.Request) -> web.StreamResponse:
        """GET the incident with its updates (all of them only when asked)."""
        reply = self.next_list_reply()
        if reply is not None and reply.kind != "ok":
            return await self.scripted(request, reply)
        incident, refusal = self.checked(request)
        if refusal is not None:
            return refusal
        include_all = _boolean_query(request.query, "includeAllIncidentUpdates")
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
        name = "incidentId" if "incidentId" in request.match_info else "id"
        incident = _canonical(request.match_info[name])
        if incident is None:
            return "", self.error(400, f'"{name}" must be a valid GUID')
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
            stamp = _stamp(self._last_time)
            stored = {
                "id": str(uuid.uuid4()),
                "status": payload["status"],
                "description": payload["description"],
                "created_at": stamp,
                "updated_at": None,
            }
            self._updates.setdefault(incident, []).append(stored)
            return dict(stored)


def _validate(payload: object) -> str | None:
    """Joi-style validation message for a create body, or None when it is valid."""
    if not isinstance(payload, dict):
        return '"value" must be of type object'
    for key in payload:
        if key not in ("status", "description"):
            return f'"{key}" is not allowed'
    status = payload.get("status")
    if status is None:
        return '"status" is required'
    if status not in CHECKLY_STATUSES:
        return f'"status" must be one of [{", ".join(CHECKLY_STATUSES)}]'
    description = payload.get("description")
    if description is None:
        return '"description" is required'
    if not isinstance(description, str):
        return '"description" must be a string'
    if not description:
        return '"description" is not allowed to be empty'
    return None


def _boolean_query(query: Mapping[str, str], name: str) -> bool | str:
    """The one documented query parameter, as Joi reads a boolean; else Joi's message."""
    for key in query:
        if key != name:
            return f'"{key}" is not allowed'
    text = query.get(name, "false").lower()
    if text not in ("true", "false"):
        return f'"{name}" must be a boolean'
    return text == "true"


def _stamp(moment: datetime) -> str:
    """Checkly's timestamp: milliseconds and a Z."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
