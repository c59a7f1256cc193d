"""What the Phare and Checkly fakes share: scripted replies, request records, hang and drop.

    Reply.ok()                      behave like the vendor (validate, store, answer success)
    Reply.ok(shape="object")        Checkly only: answer 201 with one object (default: 200 list)
    Reply.status(code, message=None, retry_after=None, errors=None)
                                    an error in the vendor's own body shape
    Reply.unauthorized() / .forbidden(msg) / .not_found() / .invalid({field: [msgs]})
    Reply.rate_limited(retry_after=None, status=429)   retry_after: seconds, an HTTP date, or None
    Reply.server_error(status=500, retry_after=None)
    Reply.html(status=502)          a proxy's HTML error page
    Reply.empty(status)             no body at all
    Reply.raw(status, body, content_type)
    Reply.hang()                    never answer; the handler ends once the client gives up
    Reply.drop()                    read the request, close the connection, apply nothing
    Reply.apply_then_drop()         apply the request like ok(), then close without answering
    Reply.apply_then_hang()         apply the request like ok(), then never answer
    Reply.apply_then_answer(status, body, content_type)
                                    apply the request like ok(), then answer that (unreadable 2xx)

`script(...)` queues replies for update creates, `script_list(...)` for update lists, and
`script_to(route, ...)` for any route the fake names in `routes` (Phare: open, incidents,
incident, recover, edit, delete). A request that changes something is checked against the
vendor's document first (path ids, headers, body): an invalid one gets the vendor's refusal
even when an apply_then_* reply is scripted.

Every request (to any path) is recorded as a RecordedRequest before it is answered.
All methods are thread-safe: call them from sync tests or from async tests on another loop.
"""

import asyncio
import json
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.replies import Reply

HANG_LIMIT_SECONDS = 60.0

__all__ = ["HANG_LIMIT_SECONDS", "RecordedRequest", "Reply", "VendorFake", "drop", "hang"]


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the fake received it; header names are lower-case."""

    method: str
    path: str
    raw_path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    json: Any
    body: bytes
    at: float = field(compare=False)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Applied = tuple[web.StreamResponse, bool]
"""What a changing request's handler did: its answer, and whether it applied the change."""
CREATE = "create"
LIST = "list"


class VendorFake(ABC):
    """Scripting, recording and latency shared by the vendor fakes."""

    validation_status = 422
    routes: frozenset[str] = frozenset({CREATE, LIST})

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Reply]] = {}
        self._requests: list[RecordedRequest] = []
        self.latency = 0.0
        self.app = web.Application(middlewares=[self._record])

    def script(self, *replies: Reply) -> None:
        """Queue answers for the next create requests (then back to normal behaviour)."""
        self.script_to(CREATE, *replies)

    def script_list(self, *replies: Reply) -> None:
        """Queue answers for the next list requests."""
        self.script_to(LIST, *replies)

    def script_to(self, route: str, *replies: Reply) -> None:
        """Queue answers for the next requests to one of the fake's `routes`."""
        if route not in self.routes:
            raise ValueError(f"no route {route!r}; scriptable: {', '.join(sorted(self.routes))}")
        with self._lock:
            self._scripts.setdefault(route, deque()).extend(replies)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, method: str, path_part: str = "") -> list[RecordedRequest]:
        """The recorded requests with this method whose path contains `path_part`."""
        return [r for r in self.requests if r.method == method and path_part in r.path]

    async def wait_for_requests(self, count: int, within: float = 5.0) -> list[RecordedRequest]:
        """Wait (polling, with a deadline) until at least `count` requests arrived."""
        deadline = time.monotonic() + within
        while len(seen := self.requests) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(seen)} of {count} requests arrived in {within} s")
            await asyncio.sleep(0.01)
        return seen

    def next_reply(self, route: str) -> Reply | None:
        """The next scripted answer for a route, if any."""
        with self._lock:
            queue = self._scripts.get(route)
            return queue.popleft() if queue else None

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record the request, wait the configured latency, then answer."""
        body = await request.read()
        try:
            payload: Any = json.loads(body) if body else None
        except ValueError:
            payload = None
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            raw_path=request.raw_path,
            query=dict(request.query),
            headers={k.lower(): v for k, v in request.headers.items()},
            json=payload,
            body=body,
            at=time.monotonic(),
        )
        with self._lock:
            self._requests.append(recorded)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        return await handler(request)

    @abstractmethod
    def error(
        self, status: int, message: str | None, errors: Mapping[str, Sequence[str]] | None = None
    ) -> web.Response:
        """An error in the vendor's body shape (each fake words its own)."""

    @abstractmethod
    def checked(self, request: web.Request) -> tuple[Any, web.Response | None]:
        """The incident of the path, or the refusal the vendor would answer."""

    @abstractmethod
    def refusal(self, incident: Any, payload: Any) -> web.Response | None:
        """The vendor's answer to an invalid create body for the incident, or None when valid."""

    @abstractmethod
    def store(self, incident: Any, payload: Any) -> dict[str, Any]:
        """Keep a new update as the vendor returns it."""

    @abstractmethod
    def created(self, incident: Any, stored: dict[str, Any], reply: Reply | None) -> web.Response:
        """The vendor's success answer to a create."""

    async def create(self, request: web.Request) -> web.StreamResponse:
        """POST an update: a scripted answer, or check, validate, store and answer success."""

        async def act(reply: Reply | None) -> Applied:
            incident, refusal = self.checked(request)
            if refusal is not None:
                return refusal, False
            try:
                payload = await request.json()
            except ValueError:
                return self.not_json(), False
            invalid = self.refusal(incident, payload)
            if invalid is not None:
                return invalid, False
            stored = self.store(incident, payload)
            return self.created(incident, stored, reply), True

        return await self.applying(request, CREATE, act)

    async def applying(
        self, request: web.Request, route: str, act: Callable[[Reply | None], Awaitable[Applied]]
    ) -> web.StreamResponse:
        """Answer a request that changes something: a scripted failure before anything is
        applied; else `act` (check, validate, apply), with an apply_then_* reply answered in
        place of its success once the change is applied."""
        reply = self.next_reply(route)
        if reply is not None and reply.kind != "ok" and not reply.applies:
            return await self.scripted(request, reply)
        answer, applied = await act(reply)
        if applied and reply is not None and reply.applies:
            return await self.scripted(request, reply)
        return answer

    async def scripted_read(self, request: web.Request, route: str) -> web.StreamResponse | None:
        """The scripted answer to a read on a route, or None to answer normally."""
        reply = self.next_reply(route)
        if reply is not None and reply.kind != "ok":
            return await self.scripted(request, reply)
        return None

    async def listing(self, request: web.Request) -> tuple[Any, web.StreamResponse | None]:
        """A list request's incident, or the answer to give instead (scripted, or a refusal)."""
        answer = await self.scripted_read(request, LIST)
        if answer is not None:
            return None, answer
        return self.checked(request)

    def not_json(self) -> web.Response:
        """The answer to a create body that is not JSON (Laravel reads it as no fields at all)."""
        refusal = self.refusal(None, {})
        assert refusal is not None
        return refusal

    async def scripted(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        """Answer with a scripted error, raw body, hang or drop."""
        if reply.kind == "hang":
            return await hang(request)
        if reply.kind == "drop":
            return drop(request)
        if reply.kind == "raw":
            content_type = reply.content_type or None
            return web.Response(status=reply.code, body=reply.body, content_type=content_type)
        status = reply.code or self.validation_status
        response = self.error(status, reply.message, reply.errors)
        if reply.retry_after is not None:
            response.headers["Retry-After"] = reply.retry_after
        return response


async def hang(request: web.Request) -> web.StreamResponse:
    """Answer nothing until the client closes the connection (or a long limit passes)."""
    deadline = time.monotonic() + HANG_LIMIT_SECONDS
    while time.monotonic() < deadline:
        transport = request.transport
        if transport is None or transport.is_closing():
            break
        await asyncio.sleep(0.02)
    return drop(request)


def drop(request: web.Request) -> web.StreamResponse:
    """Close the connection at once; the client sees it dropped without an answer."""
    request.protocol.force_close()
    return web.Response(status=499)
