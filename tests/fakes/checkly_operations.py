"""The loopback Checkly's status-page incidents and components (v3), and editing and deleting
an update (v1 and v3), served as checkly-status-pages-v3-incidents-openapi.yaml,
checkly-status-pages-v3-components-openapi.yaml and checkly-incident-updates-v1-openapi.yaml say.
"""

from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.checkly_base import ChecklyBase, Handler
from tests.fakes.checkly_pages import update_problem
from tests.fakes.checkly_rules import LAST_UPDATE, dashboard_edit_problem
from tests.fakes.checkly_v3_rules import UNKNOWN_CURSOR, list_query, opening_problem, page_of

Entries = Callable[[str], list[dict[str, Any]]]


class ChecklyOperations(ChecklyBase):
    """Opening and listing incidents, listing components, editing and deleting updates."""

    def add_operation_routes(self) -> None:
        """Serve the routes (before any catch-all route is added)."""
        v3 = "/v3/status-pages/{statusPageId}"
        routes = self.app.router
        routes.add_post(v3 + "/incidents", self._served("open", self._open))
        routes.add_get(v3 + "/incidents", self._served("incidents", self._incidents))
        routes.add_get(v3 + "/components", self._served("components", self._components))
        for path in (
            v3 + "/incidents/{incidentId}/incident-updates/{incidentUpdateId}",
            "/v1/incidents/{incidentId}/updates/{id}",
        ):
            routes.add_put(path, self._served("edit", self._edit))
            routes.add_delete(path, self._served("delete", self._delete))

    def _served(self, route: str, act: Handler) -> Handler:
        """A handler answering as scripted for the route, else as Checkly does."""

        async def handler(request: web.Request) -> web.StreamResponse:
            return await self.operate(request, route, act)

        return handler

    async def _open(self, request: web.Request) -> web.StreamResponse:
        """POST an incident: 201 with the opened PublicStatusPageV3Incident."""
        page, refusal = self.page_checked(request)
        if refusal is None:
            refusal = self.query_refusal(request)
        if refusal is not None:
            return refusal
        components = self.records.component_ids(page)
        payload, refusal = await self.read_body(request, lambda p: opening_problem(p, components))
        if refusal is not None:
            return refusal
        return web.json_response(self.records.open_incident(page, payload), status=201)

    async def _incidents(self, request: web.Request) -> web.StreamResponse:
        """GET the page's incidents, most recently updated first, one page of them."""
        return await self._listed(request, self.records.page_incidents)

    async def _components(self, request: web.Request) -> web.StreamResponse:
        """GET the page's components, in display order, one page of them."""
        return await self._listed(request, self.records.components)

    async def _listed(self, request: web.Request, entries: Entries) -> web.StreamResponse:
        """One page `{length, entries, nextId}` of a status page's list."""
        page, refusal = self.page_checked(request)
        if refusal is not None:
            return refusal
        query = list_query(request.query)
        if isinstance(query, str):
            return self.error(400, query)
        limit, cursor = query
        try:
            return web.json_response(page_of(entries(page), limit, cursor))
        except ValueError:
            return self.error(400, UNKNOWN_CURSOR)

    async def _edit(self, request: web.Request) -> web.StreamResponse:
        """PUT an update: 200 with the edited update."""
        incident, update_id, refusal = self._update_checked(request)
        if refusal is not None:
            return refusal
        opened = self.records.opened_at(incident)
        payload, refusal = await self.read_body(
            request,
            dashboard_edit_problem if opened is None else lambda p: update_problem(p, opened),
        )
        if refusal is not None:
            return refusal
        edited = self.records.edit_update(incident, update_id, payload)
        return self.error(404, None) if edited is None else web.json_response(edited)

    async def _delete(self, request: web.Request) -> web.StreamResponse:
        """DELETE an update: 204, or 400 for the incident's last update."""
        incident, update_id, refusal = self._update_checked(request)
        if refusal is not None:
            return refusal
        result = self.records.delete_update(incident, update_id)
        if result == "missing":
            return self.error(404, None)
        if result == "last":
            return self.error(400, LAST_UPDATE)
        return web.Response(status=204)

    def _update_checked(self, request: web.Request) -> tuple[str, str, web.Response | None]:
        """The incident and update of the path, or the refusal Checkly would answer."""
        update_name = "incidentUpdateId" if "incidentUpdateId" in request.match_info else "id"
        names = [n for n in ("statusPageId", "incidentId") if n in request.match_info]
        parts = self.path_ids(request, [*names, update_name])
        if isinstance(parts, web.Response):
            return "", "", parts
        incident, update_id = "/".join(parts[:-1]), parts[-1]
        if not self.records.knows(incident):
            return "", "", self.error(404, None)
        return incident, update_id, self.query_refusal(request)
