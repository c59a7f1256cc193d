"""PhareFake: a loopback Phare that checks requests as Phare does and can be scripted.

    fake = PhareFake(token="phare-token", incidents={42})
    fake.script(Reply.server_error(503), Reply.ok())     # next two creates: 503, then normal
    with LoopbackServer(fake.app) as server:             # PhareSettings(api_url=server.url, ...)
        ...
    fake.applied(42)          # updates stored for incident 42, oldest first (dicts as Phare sends)
    fake.requests             # every RecordedRequest (method, path, query, headers, json, at)
    fake.latency = 0.3        # seconds added to every answer

Routes: POST and GET `/uptime/incidents/{id}/updates`. Unscripted, the fake behaves like Phare:
401 `{"message": "Unauthorized"}` for a wrong or missing bearer token; 422 for a non-integer
X-Phare-Project-Id; 403 when `project_id` is set (organization-scoped key) and no matching project
header came; 404 for a non-integer or unknown incident; 422 `{message, errors: {field: [...]}}` for
a missing or bad `state` (exact lower-case enum), `content` (1..10000 characters after trimming),
`published_at` (ISO date-time); else 201 with the stored update. The list answers exactly the
documented page (Laravel's simple paginator): `data` newest first; `meta` with current_page, from,
to, per_page, path; `links` with first, last (null), prev, next (full URLs carrying only `page`;
next is null on the last page); no total, no last page. `page` (integer >= 1, default 1) and
`per_page` (integer 1..100, default 20) are checked, else 422.
`fake.add_updates(42, ["a", "b"])` seeds updates; `fake.script_list(...)` scripts list answers.
See tests/fakes/vendor.py for every Reply.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.fakes.laravel import simple_page, timestamp, validation_summary
from tests.fakes.phare_shapes import (
    PHARE_STATES,
    incident_record,
    monitor_errors,
    page_query,
    update_errors,
)
from tests.fakes.vendor import Reply, VendorFake

FORBIDDEN_MESSAGE = "The platform:write permission is required to perform this action."
PROJECT_REQUIRED = "A project header is required when using an organization-scoped API key."
_DEFAULT_MESSAGES = {401: "Unauthorized", 403: FORBIDDEN_MESSAGE, 404: "Resource not found"}
_DEFAULT_MESSAGES |= {420: "Enhance your calm", 429: "Too Many Attempts.", 422: "Invalid data."}
_DIGITS = re.compile(r"[0-9]+", re.ASCII)

__all__ = ["FORBIDDEN_MESSAGE", "PHARE_STATES", "PhareFake", "Reply"]


class PhareFake(VendorFake):
    """Phare's incident-update endpoints, in memory."""

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
        self._updates: dict[int, list[dict[str, Any]]] = {int(i): [] for i in incidents}
        self._last_id = 1000
        self._last_time = datetime.now(UTC)
        self._created = timestamp(self._last_time)
        self.app.router.add_post("/uptime/incidents/{incident}/updates", self.create)
        self.app.router.add_get("/uptime/incidents/{incident}/updates", self._list)
        self.app.router.add_get("/uptime/incidents", self._incidents)
        self.app.router.add_route("*", "/{tail:.*}", self._no_route)

    def add_incident(self, incident_id: int | str) -> None:
        """Make an incident exist."""
        with self._lock:
            self._updates.setdefault(int(incident_id), [])

    def add_updates(
        self, incident_id: int | str, contents: Iterable[str], state: str = "investigating"
    ) -> list[dict[str, Any]]:
        """Store updates as if created earlier; returns them."""
        return [self.store(int(incident_id), {"state": state, "content": c}) for c in contents]

    def applied(self, incident_id: int | str) -> list[dict[str, Any]]:
        """The updates stored for an incident, oldest first."""
        with self._lock:
            return [dict(u) for u in self._updates.get(int(incident_id), [])]

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

    async def _list(self, request: web.Request) -> web.StreamResponse:
        """GET a page of updates, newest first."""
        incident, answer = await self.listing(request)
        if answer is not None:
            return answer
        return self._page(request, list(reversed(self.applied(incident))))

    async def _incidents(self, request: web.Request) -> web.StreamResponse:
        """GET the incidents (as `incident-bot doctor` does to check the token)."""
        refusal = self._credentials_refusal(request)
        if refusal is not None:
            return refusal
        monitors = request.query.getall("monitor_id", [])
        if errors := monitor_errors(monitors):
            return self.error(422, None, errors)
        with self._lock:
            incidents = [incident_record(i, self._created) for i in sorted(self._updates)]
        if monitors:
            incidents = [i for i in incidents if set(i["monitors"]) & {int(m) for m in monitors}]
        return self._page(request, incidents)

    def _page(self, request: web.Request, items: list[dict[str, Any]]) -> web.Response:
        """The page the query asks for, or Laravel's 422 for a bad `page` or `per_page`."""
        asked = page_query(request.query)
        if isinstance(asked, dict):
            return self.error(422, None, asked)
        path = str(request.url.with_query(None))
        return web.json_response(simple_page(items, *asked, path))

    async def _no_route(self, request: web.Request) -> web.StreamResponse:
        """Any other path: Laravel's 404."""
        return self.error(404, f"The route {request.path.lstrip('/')} could not be found.")

    def checked(self, request: web.Request) -> tuple[int, web.Response | None]:
        """The incident of the path, or the refusal Phare would answer."""
        refusal = self._credentials_refusal(request)
        if refusal is not None:
            return 0, refusal
        text = request.match_info["incident"]
        if _DIGITS.fullmatch(text) is None:
            return 0, self.error(404, f"The route {request.path.lstrip('/')} could not be found.")
        with self._lock:
            known = int(text) in self._updates
        if not known:
            return 0, self.error(404, None)
        return int(text), None

    def _credentials_refusal(self, request: web.Request) -> web.Response | None:
        """401 for a wrong token, or the project header's refusal."""
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.error(401, None)
        return self._project_refusal(request)

    def _project_refusal(self, request: web.Request) -> web.Response | None:
        """422 for a malformed project id header; 403 when an org-scoped key names no project."""
        header_id = request.headers.get("X-Phare-Project-Id")
        header_slug = request.headers.get("X-Phare-Project-Slug")
        if header_id is not None and _DIGITS.fullmatch(header_id) is None:
            errors = {"X-Phare-Project-Id": ["The X-Phare-Project-Id header must be an integer."]}
            return self.error(422, None, errors)
        if self.project_id is None and self.project_slug is None:
            return None
        id_ok = self.project_id is not None and header_id == str(self.project_id)
        slug_ok = self.project_slug is not None and header_slug == self.project_slug
        return None if id_ok or slug_ok else self.error(403, PROJECT_REQUIRED)

    def store(self, incident: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Keep a new update with an id and timestamps, as Phare returns it."""
        with self._lock:
            self._last_id += 1
            self._last_time = max(datetime.now(UTC), self._last_time + timedelta(microseconds=1))
            now = timestamp(self._last_time)
            stored = {
                "id": self._last_id,
                "state": payload["state"],
                "content": payload["content"],
                "published_at": payload.get("published_at") or now,
                "creator": {"id": 7, "type": "api_key", "label": "incident-bot"},
                "created_at": now,
                "updated_at": now,
            }
            self._updates.setdefault(incident, []).append(stored)
            return dict(stored)
