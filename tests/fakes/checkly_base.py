"""The loopback Checkly's common ground: credentials, path ids, its error shape, and scripted
answers for each route (see tests/fakes/checkly.py for the whole fake)."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiohttp import web

from tests.fakes.checkly_pages import query_problem
from tests.fakes.checkly_rules import canonical, error_body
from tests.fakes.checkly_store import ChecklyStore
from tests.fakes.vendor import CREATE, LIST, Reply, VendorFake

# `script(..., route=...)`: "publish" is the update creation VendorFake already scripts.
ROUTES = ("publish", "open", "incidents", "components", "edit", "delete")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ChecklyBase(VendorFake):
    """What every Checkly route checks first, and how it is scripted."""

    validation_status = 400
    routes = frozenset({CREATE, LIST, *ROUTES[1:]})

    def __init__(self, key: str, account: str) -> None:
        super().__init__()
        self.key = key
        self.account = account
        self.records = ChecklyStore()

    def script(self, *replies: Reply, route: str = "publish") -> None:
        """Queue answers for a route's next requests (then back to normal behaviour): publish
        (creating an update, the default), open, incidents, components, edit or delete."""
        if route not in ROUTES:
            raise ValueError(f"no route {route!r}; the routes are {', '.join(ROUTES)}")
        self.script_to(CREATE if route == "publish" else route, *replies)

    async def operate(self, request: web.Request, route: str, act: Handler) -> web.StreamResponse:
        """The route's next scripted answer, else `act` (check, apply, answer). An apply_then_*
        answer is played once `act` applied the request; a refusal from `act` stands."""
        reply = self.next_reply(route)
        if reply is not None and reply.kind != "ok" and not reply.applies:
            return await self.scripted(request, reply)
        answer = await act(request)
        if reply is not None and reply.applies and 200 <= answer.status < 300:
            return await self.scripted(request, reply)
        return answer

    def error(
        self, status: int, message: str | None, errors: Mapping[str, Sequence[str]] | None = None
    ) -> web.Response:
        """Checkly's error shape: `{statusCode, error, message}`."""
        if message is None and errors:
            message = " ".join(t for ts in errors.values() for t in ts)
        return web.json_response(error_body(status, message), status=status)

    def not_json(self) -> web.Response:
        """hapi's answer to a payload that does not parse."""
        return self.error(400, "Invalid request payload JSON format")

    async def read_body(
        self, request: web.Request, problem_of: Callable[[Any], str | None]
    ) -> tuple[Any, web.Response | None]:
        """The JSON body, or Checkly's 400 when it does not parse or `problem_of` finds fault."""
        try:
            payload = await request.json()
        except ValueError:
            return None, self.not_json()
        problem = problem_of(payload)
        return payload, None if problem is None else self.error(400, problem)

    def path_ids(self, request: web.Request, names: Sequence[str]) -> list[str] | web.Response:
        """The path's ids in canonical form, after the credentials; else Checkly's refusal."""
        refusal = self.credentials_refusal(request)
        if refusal is not None:
            return refusal
        found: list[str] = []
        for name in names:
            part = canonical(request.match_info[name])
            if part is None:
                return self.error(400, f'"{name}" must be a valid GUID')
            found.append(part)
        return found

    def checked(self, request: web.Request) -> tuple[str, web.Response | None]:
        """The incident of the path, or the refusal Checkly would answer."""
        names = [n for n in ("statusPageId", "incidentId") if n in request.match_info] or ["id"]
        parts = self.path_ids(request, names)
        if isinstance(parts, web.Response):
            return "", parts
        incident = "/".join(parts)
        return (incident, None) if self.records.knows(incident) else ("", self.error(404, None))

    def page_checked(self, request: web.Request) -> tuple[str, web.Response | None]:
        """The status page of the path, or the refusal Checkly would answer."""
        parts = self.path_ids(request, ["statusPageId"])
        if isinstance(parts, web.Response):
            return "", parts
        (page,) = parts
        return (page, None) if self.records.knows_page(page) else ("", self.error(404, None))

    def query_refusal(self, request: web.Request) -> web.Response | None:
        """400 for a query parameter on a route that documents none."""
        problem = query_problem(request.query)
        return None if problem is None else self.error(400, problem)

    def credentials_refusal(self, request: web.Request) -> web.Response | None:
        """401 for a wrong key or no account header, 403 for another account."""
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return self.error(401, None)
        account = request.headers.get("x-checkly-account")
        if not account:
            return self.error(401, "Missing x-checkly-account header")
        if account != self.account:
            return self.error(403, "You do not have access to this account")
        return None
