"""The load generator: signed requests over a keep-alive aiohttp client, timed send → response."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

import aiohttp

from tests.slack.signing import SignedRequest

EVENTS_PATH = "/slack/events"
REQUEST_TIMEOUT_SECONDS = 10.0

RequestFactory = Callable[[int], SignedRequest]


class BenchError(Exception):
    """A measurement could not be made (a refused request, a lost update, a dead process)."""


@dataclass(frozen=True)
class Sample:
    """One request: when it was sent (monotonic seconds), how long until its response was read."""

    index: int
    sent_at: float
    seconds: float
    status: int
    body: bytes


class Driver:
    """Posts signed requests to one server's `/slack/events` over kept-alive connections."""

    def __init__(self, base_url: str, connections: int) -> None:
        self._url = base_url + EVENTS_PATH
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Driver":
        connector = aiohttp.TCPConnector(limit=self._connections, force_close=False)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
        self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, index: int, request: SignedRequest) -> Sample:
        """Post one request; the clock runs from the send to the last byte of the response."""
        assert self._session is not None, "use Driver as an async context manager"
        sent_at = time.monotonic()
        async with self._session.post(
            self._url, data=request.body, headers=request.headers
        ) as response:
            body = await response.read()
        seconds = time.monotonic() - sent_at
        if response.status != 200:
            raise BenchError(f"request {index} answered {response.status}: {body[:200]!r}")
        return Sample(index, sent_at, seconds, response.status, body)

    async def serial(self, make: RequestFactory, count: int, first: int = 0) -> list[Sample]:
        """Send `count` requests one after another (each built just before it is sent)."""
        return [await self.send(i, make(i)) for i in range(first, first + count)]

    async def concurrent(
        self, make: RequestFactory, count: int, workers: int, first: int = 0
    ) -> list[Sample]:
        """Send `count` requests from `workers` clients each sending its next on a response."""
        indexes = iter(range(first, first + count))
        samples: list[Sample] = []

        async def worker() -> None:
            """Take the next index until none is left."""
            for index in indexes:
                samples.append(await self.send(index, make(index)))

        await asyncio.gather(*(worker() for _ in range(workers)))
        return sorted(samples, key=lambda s: s.index)
