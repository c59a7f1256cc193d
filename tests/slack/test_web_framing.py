"""Slow, broken and oversized HTTP requests against the runner `serve` uses (raw sockets).

Each is answered or dropped within the configured time, costs no more than the configured
size, changes nothing, and leaves at most one log line, never a traceback.
"""

import asyncio
import gzip
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from aiohttp import web

import bot.web
from bot.web import MAX_BODY_BYTES, build_runner
from tests.e2e.harness import free_port
from tests.fakes.slack import FakeSlack
from tests.slack import signing
from tests.slack.memory_repo import MemoryRepo
from tests.slack.test_commands import SECRET
from tests.slack.web_support import slack_web_app

TIMEOUT = 0.5
WITHIN = 3.0


@dataclass
class Served:
    """The app on a port, and the store behind it."""

    port: int
    repo: MemoryRepo

    async def exchange(self, data: bytes, then_close: bool = False) -> tuple[bytes, float]:
        """Send raw bytes; what came back (until the server closed or WITHIN) and how long."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        started = time.monotonic()
        writer.write(data)
        await writer.drain()
        if then_close:
            writer.close()
            await asyncio.sleep(0.3)
            return b"", time.monotonic() - started
        try:
            async with asyncio.timeout(WITHIN):
                answer = await reader.read()
        finally:
            writer.close()
        return answer, time.monotonic() - started


@pytest.fixture
async def served(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Served]:
    """The web app under `build_runner` with short timeouts, a fake Slack behind Bolt."""
    monkeypatch.setattr(bot.web, "HEADER_TIMEOUT_SECONDS", TIMEOUT)
    monkeypatch.setattr(bot.web, "BODY_TIMEOUT_SECONDS", TIMEOUT)
    with FakeSlack() as slack:
        app, repo = slack_web_app(slack)
        runner = build_runner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield Served(port, repo)
        finally:
            await runner.cleanup()


def head(content_length: int | None = None, extra: str = "") -> bytes:
    """A signed-looking POST head (the signature is checked only once the body is read)."""
    request = signing.slash_command(SECRET, text="link phare:42")
    lines = ["POST /slack/events HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in request.headers.items()]
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


def encoded(encoding: str, body: bytes) -> bytes:
    """A POST whose body says it is compressed (Slack never compresses one), signed over it."""
    request = signing.sign(SECRET, body, content_type=signing.FORM)
    lines = ["POST /slack/events HTTP/1.1", "Host: 127.0.0.1", f"Content-Encoding: {encoding}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# (case, bytes sent (built when sent: signatures carry the time), status line start or b""
# for a closed connection, log lines at most)
FRAMING: list[tuple[str, Callable[[], bytes], bytes, int]] = [
    ("headers-never-finish", lambda: b"POST /slack/events HTTP/1.1\r\nHost: x\r\n", b"", 0),
    ("nothing-sent", lambda: b"", b"", 0),
    ("body-never-finishes", lambda: head(1000) + b"token=x&te", b"HTTP/1.1 408", 1),
    ("declared-body-too-big", lambda: head(MAX_BODY_BYTES + 1), b"HTTP/1.1 413", 1),
    ("garbage-request-line", lambda: b"HELLO THERE\r\n\r\n", b"HTTP/1.0 400", 1),
    ("bad-method", lambda: b"G\x01T / HTTP/1.1\r\n\r\n", b"HTTP/1.0 400", 1),
    (
        "header-line-too-long",
        lambda: b"GET /healthz HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n",
        b"HTTP/1.0 400",
        1,
    ),
    (
        "content-length-not-a-number",
        lambda: b"POST /slack/events HTTP/1.1\r\nContent-Length: ten\r\n\r\n",
        b"HTTP/1.0 400",
        1,
    ),
    (
        "bad-chunk-size",
        lambda: head(None, "Transfer-Encoding: chunked\r\n") + b"zz\r\n",
        b"HTTP/1.",
        1,
    ),
    (
        "too-many-headers",
        lambda: (
            b"GET /healthz HTTP/1.1\r\n"
            + b"".join(b"X-%d: 1\r\n" % i for i in range(300))
            + b"\r\n"
        ),
        b"HTTP/1.0 400",
        1,
    ),
    ("gzip-that-is-not", lambda: encoded("gzip", b"token=x&text=not+gzip"), b"HTTP/1.1 415", 1),
    ("deflate-that-is-not", lambda: encoded("deflate", b"\x00\x01garbage"), b"HTTP/1.1 415", 1),
    ("gzip-bomb", lambda: encoded("gzip", gzip.compress(b"a" * 20_000_000)), b"HTTP/1.1 415", 1),
    ("gzip-valid", lambda: encoded("gzip", gzip.compress(b"token=x")), b"HTTP/1.1 415", 1),
    ("unknown-encoding", lambda: encoded("x-made-up", b"token=x"), b"HTTP/1.1 415", 1),
]


@pytest.mark.parametrize(
    ("data", "starts", "most_lines"), [c[1:] for c in FRAMING], ids=[c[0] for c in FRAMING]
)
async def test_broken_and_slow_requests_end_in_time_with_one_line_at_most(
    served: Served,
    caplog: pytest.LogCaptureFixture,
    data: Callable[[], bytes],
    starts: bytes,
    most_lines: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    answer, took = await served.exchange(data())
    assert answer.startswith(starts), answer[:80]
    assert took < TIMEOUT * 2 + 1.0
    await asyncio.sleep(0.1)
    lines = [r for r in caplog.records if r.name.startswith(("aiohttp", "bot"))]
    assert len(lines) <= most_lines, [r.getMessage() for r in lines]
    assert all(r.exc_info is None and r.levelno < logging.ERROR for r in caplog.records)
    assert await served.repo.get_binding(signing.CHANNEL_ID) is None


async def test_a_chunked_body_past_the_cap_is_refused_before_the_end(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    chunk = b"a" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8)) + b"0\r\n\r\n"
    answer, _ = await served.exchange(head(None, "Transfer-Encoding: chunked\r\n") + body)
    assert answer.startswith(b"HTTP/1.1 413")
    assert len([r for r in caplog.records if r.name == "bot.web"]) == 1
    assert await served.repo.get_binding(signing.CHANNEL_ID) is None


async def test_a_client_dropping_mid_body_is_one_line(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await served.exchange(head(500) + b"token=x", then_close=True)
    deadline = time.monotonic() + WITHIN
    while not any(r.name == "bot.web" for r in caplog.records):
        assert time.monotonic() < deadline, "the drop was never logged"
        await asyncio.sleep(0.02)
    assert [r.getMessage() for r in caplog.records if r.name == "bot.web"] == [
        "refused a request to /slack/events: the client dropped the body part-way "
        "(ConnectionResetError)"
    ]
    assert all(r.exc_info is None for r in caplog.records)
