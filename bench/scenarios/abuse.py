"""Unauthenticated abuse on raw sockets: slow connections that never finish their headers, and
malformed requests of every kind (framing, signature, signed but misshapen bodies)."""

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.driver import BenchError
from tests.slack.signing import FORM, JSON, SignedRequest, sign, slash_command_body

SLOW_TRICKLE_SECONDS = 1.0
ANSWER_WAIT_SECONDS = 15.0
LONG = b"a" * 9000
OPEN_WITHIN_SECONDS = 30.0


def _raw(request: SignedRequest, path: str = "/slack/events") -> bytes:
    """A request as bytes on the wire."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(request.body)}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + request.body


def malformed_kinds(secret: str) -> list[tuple[str, Callable[[], bytes]]]:
    """Each kind of bad request, built fresh (signatures carry the current time)."""
    command = slash_command_body(text="monitoring abuse")
    return [
        ("garbage request line", lambda: b"HELLO THERE\r\n\r\n"),
        ("header line too long", lambda: b"GET /healthz HTTP/1.1\r\nX: " + LONG + b"\r\n\r\n"),
        ("bad Content-Length", lambda: b"POST /slack/events HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
        ("declared body too big", lambda: _raw(sign(secret, "", content_type=FORM)).replace(
            b"Content-Length: 0", b"Content-Length: 99999999")),
        ("unsigned", lambda: _raw(SignedRequest(command.encode(), {"Content-Type": FORM}))),
        ("wrong secret", lambda: _raw(sign("not-the-secret", command, content_type=FORM))),
        ("stale timestamp", lambda: _raw(sign(secret, command, content_type=FORM, timestamp=1))),
        ("signed form sent as JSON", lambda: _raw(sign(secret, command, content_type=JSON))),
        ("signed payload not JSON", lambda: _raw(sign(secret, "payload=%7Bx", content_type=FORM))),
        ("signed JSON array", lambda: _raw(sign(secret, "[1,2]", content_type=JSON))),
    ]  # fmt: skip


@dataclass(frozen=True)
class AbuseResult:
    """What the abusive clients saw."""

    malformed_sent: int
    malformed_answered_4xx: int
    slow_opened: int
    slow_closed_by_server: int
    slow_longest_open_seconds: float


async def _one_malformed(port: int, data: bytes) -> bool:
    """Send one bad request; whether the server answered with a 4xx status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        async with asyncio.timeout(ANSWER_WAIT_SECONDS):
            status = await reader.readline()
        return status.split(b" ")[1:2] in ([b"400"], [b"401"], [b"408"], [b"413"], [b"415"])
    except (TimeoutError, ConnectionError):
        return False
    finally:
        writer.close()


async def send_malformed(port: int, secret: str, count: int, at_once: int) -> tuple[int, int]:
    """`count` bad requests, `at_once` in flight; (sent, answered with a 4xx)."""
    kinds = itertools.cycle(malformed_kinds(secret))
    gate = asyncio.Semaphore(at_once)

    async def one() -> bool:
        _, build = next(kinds)
        async with gate:
            return await _one_malformed(port, build())

    answers = await asyncio.gather(*(one() for _ in range(count)))
    return count, sum(answers)


class SlowClients:
    """Connections that send half a request head and then one byte a second, never finishing."""

    def __init__(self, port: int, count: int) -> None:
        self._port = port
        self._count = count
        self._tasks: list[asyncio.Task[float | None]] = []
        self._all_open = asyncio.Event()
        self.opened = 0

    async def open(self) -> None:
        """Connect them all and send each its partial head."""
        self._tasks = [asyncio.create_task(self._one()) for _ in range(self._count)]
        try:
            async with asyncio.timeout(OPEN_WITHIN_SECONDS):
                await self._all_open.wait()
        except TimeoutError:
            raise BenchError(
                f"only {self.opened} of {self._count} slow connections opened"
            ) from None

    async def _one(self) -> float | None:
        """Seconds until the server closed the connection, or None if it never did."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self._port)
        started = time.monotonic()
        writer.write(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        await writer.drain()
        self.opened += 1
        if self.opened == self._count:
            self._all_open.set()
        try:
            while True:
                try:
                    async with asyncio.timeout(SLOW_TRICKLE_SECONDS):
                        if not await reader.read(1024):
                            return time.monotonic() - started
                except TimeoutError:
                    writer.write(b"a")
                    await writer.drain()
        except ConnectionError:
            return time.monotonic() - started
        finally:
            writer.close()

    async def closed_by_server(self, within: float) -> tuple[int, float]:
        """Wait up to `within` s; how many the server closed, and the longest one stayed open."""
        done, pending = await asyncio.wait(self._tasks, timeout=within)
        for task in pending:
            task.cancel()
        seconds = [
            found for t in done if t.exception() is None and (found := t.result()) is not None
        ]
        return len(seconds), max(seconds, default=within)
