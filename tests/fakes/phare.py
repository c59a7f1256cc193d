"""PhareFake: a loopback Phare that checks requests as Phare does and can be scripted.

    fake = PhareFake(token="phare-token", incidents={42})
    fake.script(Reply.server_error(503), Reply.ok())     # next two update creates: 503, then normal
    fake.script_to("open", Reply.apply_then_hang())      # next incident is created, never answered
    with LoopbackServer(fake.app) as server:             # PhareSettings(api_url=server.url, ...)
        ...
    fake.applied(42)          # updates stored for incident 42, oldest first (dicts as Phare sends)
    fake.incident(42)         # the incident as Phare shows it (status "recovered" once recovered)
    fake.incidents()          # every incident, oldest first
    fake.requests             # every RecordedRequest (method, path, query, headers, json, at)
    fake.latency = 0.3        # seconds added to every answer

Routes, each scriptable by its name with `script_to(name, ...)` (`script` is "create",
`script_list` is "list"): GET /uptime/incidents "incidents", POST /uptime/incidents "open",
GET /uptime/incidents/{id} "incident", POST /uptime/incidents/{id}/recover "recover",
GET and POST /uptime/incidents/{id}/updates "list" and "create",
POST and DELETE /uptime/incidents/{id}/updates/{updateId} "edit" and "delete".

Unscripted, the fake behaves like Phare: 401 `{"message": "Unauthorized"}` for a wrong or missing
bearer token; 422 for a non-integer X-Phare-Project-Id; 403 when `project_id` is set
(organization-scoped key) and no matching project header came; 404 for a non-integer or unknown
incident or update; 422 `{message, errors: {field: [...]}}` for a body the document does not
allow (see phare_rules: missing, invalid or unknown fields). Success is as documented: 201 with
the created update or incident, 200 with the edited update, 204 without a body for a recovery
(an incident already recovered too: the document says nothing else) and a deletion.
Lists answer exactly the documented page (Laravel's simple paginator): `meta` with
current_page, from, to, per_page, path; `links` with first, last (null), prev, next (full URLs
carrying only `page`; null on the last page); no total, no last page. Updates are listed newest
first, incidents newest first too (the document states no order). `page` (integer >= 1) and
`per_page` (1..100, default 20) are checked, else 422.
See tests/fakes/vendor.py for every Reply.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from aiohttp import web

from tests.fakes.laravel import simple_page, validation_summary
from tests.fakes.phare_checks import PhareChecks
from tests.fakes.phare_rules import PHARE_STATES, edit_errors, incident_errors, update_errors
from tests.fakes.phare_shapes import monitor_errors, page_query
from tests.fakes.phare_state import PhareRecords
from tests.fakes.vendor import Applied, Reply, VendorFake

FORBIDDEN_MESSAGE = "The platform:write permission is required to perform this action."
_DEFAULT_MESSAGES = {401: "Unauthorized", 403: FORBIDDEN_MESSAGE, 404: "Resource not found"}
_DEFAULT_MESSAGES |= {420: "Enhance your calm", 429: "Too Many Attempts.", 422: "Invalid data."}
_INCIDENT = "/uptime/incidents/{incident}"
_UPDATE = _INCIDENT + "/updates/{update}"

__all__ = ["FORBIDDEN_MESSAGE", "PHARE_STATES", "PhareFake", "Reply"]


class PhareFake(PhareChecks, VendorFake):
    """Phare's incident and incident-update endpoints, in memory."""

    routes = VendorFake.routes | {"open", "incidents", "incident", "recover", "edit", "delete"}

    def __init__(
        self,
        token: str = "phare-token",  # noqa: S107
        incidents: Iterable[int | str] = (42,),
        *,
        project_id: int | None = None,
        project_slug: str | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.project_id = project_id
        self.project_slug = project_slug
        self.records = PhareRecords(int(i) for i in incidents)
        router = self.app.router
        router.add_get("/uptime/incidents", self._incidents)
        router.add_post("/uptime/incidents", self._open)
        router.add_get(_INCIDENT, self._incident)
        router.add_post(_INCIDENT + "/recover", self._recover)
        router.add_post(_INCIDENT + "/updates", self.create)
        router.add_get(_INCIDENT + "/updates", self._list)
        router.add_post(_UPDATE, self._edit)
        router.add_delete(_UPDATE, self._delete)
        router.add_route("*", "/{tail:.*}", self.no_route)

    def add_incident(
        self,
        incident_id: int | str,
        *,
        title: str | None = None,
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        """Make an incident exist (created now unless told when); returns it."""
        return self.records.add_incident(int(incident_id), title=title, created_at=created_at)

    def add_updates(
        self, incident_id: int | str, contents: Iterable[str], state: str = "investigating"
    ) -> list[dict[str, Any]]:
        """Store updates as if created earlier; returns them."""
        return [self.store(int(incident_id), {"state": state, "content": c}) for c in contents]

    def applied(self, incident_id: int | str) -> list[dict[str, Any]]:
        """The updates stored for an incident, oldest first."""
        return self.records.updates(int(incident_id))

    def incident(self, incident_id: int | str) -> dict[str, Any] | None:
        """The incident as Phare shows it, or None when Phare has no such incident."""
        return self.records.incident(int(incident_id))

    def incidents(self) -> list[dict[str, Any]]:
        """Every incident Phare holds, oldest first."""
        return self.records.incidents()

    def error(
        self, status: int, message: str | None, errors: Mapping[str, Sequence[str]] | None = None
    ) -> web.Response:
        """Phare's error shape: `{message}` plus `errors` for validation failures."""
        body: dict[str, Any] = {"message": message or _DEFAULT_MESSAGES.get(status, "Server Error")}
        if errors:
            body["errors"] = {name: list(texts) for name, texts in errors.items()}
            if message is None:
                body["message"] = validation_summary(errors)
        return web.json_response(body, status=status)

    def refusal(self, incident: int | None, payload: Any) -> web.Response | None:
        """Phare's 422 with field errors for an invalid create body."""
        errors = update_errors(payload if isinstance(payload, dict) else {})
        return self.error(422, None, errors) if errors else None

    def created(self, incident: int, stored: dict[str, Any], reply: Reply | None) -> web.Response:
        """Phare answers 201 with the update."""
        return web.json_response(stored, status=201)

    def store(self, incident: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Keep a new update with an id and timestamps, as Phare returns it."""
        return self.records.add_update(incident, payload)

    async def _list(self, request: web.Request) -> web.StreamResponse:
        """GET a page of updates, newest first."""
        incident, answer = await self.listing(request)
        if answer is not None:
            return answer
        return self._page(request, list(reversed(self.applied(incident))))

    async def _incidents(self, request: web.Request) -> web.StreamResponse:
        """GET a page of incidents, newest first, optionally of some monitors only."""
        answer = await self.scripted_read(request, "incidents")
        if answer is None:
            answer = self.credentials_refusal(request)
        if answer is not None:
            return answer
        monitors = request.query.getall("monitor_id", [])
        if errors := monitor_errors(monitors):
            return self.error(422, None, errors)
        incidents = list(reversed(self.incidents()))
        if monitors:
            wanted = {int(m) for m in monitors}
            incidents = [i for i in incidents if set(i.get("monitors", ())) & wanted]
        return self._page(request, incidents)

    def _page(self, request: web.Request, items: list[dict[str, Any]]) -> web.Response:
        """The page the query asks for, or Laravel's 422 for a bad `page` or `per_page`."""
        asked = page_query(request.query)
        if isinstance(asked, dict):
            return self.error(422, None, asked)
        path = str(request.url.with_query(None))
        return web.json_response(simple_page(items, *asked, path))

    async def _incident(self, request: web.Request) -> web.StreamResponse:
        """GET one incident."""
        answer = await self.scripted_read(request, "incident")
        if answer is not None:
            return answer
        incident, refusal = self.checked(request)
        if refusal is not None:
            return refusal
        return web.json_response(self.records.incident(incident))

    async def _open(self, request: web.Request) -> web.StreamResponse:
        """POST an incident: 201 with it as Phare shows it."""

        async def act(reply: Reply | None) -> Applied:
            refusal = self.credentials_refusal(request)
            if refusal is not None:
                return refusal, False
            payload = await self.body(request)
            if errors := incident_errors(payload):
                return self.error(422, None, errors), False
            return web.json_response(self.records.open(payload), status=201), True

        return await self.applying(request, "open", act)

    async def _recover(self, request: web.Request) -> web.StreamResponse:
        """POST a recovery: 204, for an incident already recovered too."""

        async def act(reply: Reply | None) -> Applied:
            incident, refusal = self.checked(request)
            if refusal is not None:
                return refusal, False
            self.records.recover(incident)
            return web.Response(status=204), True

        return await self.applying(request, "recover", act)

    async def _edit(self, request: web.Request) -> web.StreamResponse:
        """POST changes to an update: 200 with the update as it now is."""

        async def act(reply: Reply | None) -> Applied:
            (incident, update), refusal = self.update_checked(request)
            if refusal is not None:
                return refusal, False
            payload = await self.body(request)
            if errors := edit_errors(payload):
                return self.error(422, None, errors), False
            return web.json_response(self.records.edit(incident, update, payload)), True

        return await self.applying(request, "edit", act)

    async def _delete(self, request: web.Request) -> web.StreamResponse:
        """DELETE an update: 204."""

        async def act(reply: Reply | None) -> Applied:
            (incident, update), refusal = self.update_checked(request)
            if refusal is not None:
                return refusal, False
            self.records.delete(incident, update)
            return web.Response(status=204), True

        return await self.applying(request, "delete", act)
