"""HTTP routes: `POST /slack/events` (signed requests only) into Bolt, and `GET /healthz`."""

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.metrics import Metrics
from bot.slack.request_shape import JSON, Refusal, read_body

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
MAX_CLOCK_SKEW_SECONDS = 300
# What an unauthenticated request may cost: its body is read (to check the signature) only
# up to this size and within this time; headers come within HEADER_TIMEOUT_SECONDS.
MAX_BODY_BYTES = 256 * 1024
BODY_TIMEOUT_SECONDS = 10.0
HEADER_TIMEOUT_SECONDS = 10.0
MAX_HEADER_LINE_BYTES = 4096
# After refusing a request, what is left of its body is read (then dropped) this long at most.
LINGER_SECONDS = 1.0
HEALTH_TIMEOUT_SECONDS = 5.0
CLIENT_FAULTS = (ConnectionError, TimeoutError, asyncio.CancelledError, HttpProcessingError)
_TIMESTAMP = re.compile(r"[0-9]{1,15}", re.ASCII)
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)


class SlackSignature:
    """Checks Slack's request signature before anything else reads the request."""

    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret.encode()
        self._clock = clock

    def problem_with_headers(self, timestamp: str | None, signature: str | None) -> str | None:
        """Why the headers alone refuse the request, or None (never raises)."""
        if not timestamp or not signature:
            return "missing signature headers"
        if _TIMESTAMP.fullmatch(timestamp) is None:
            return "malformed timestamp"
        if _SIGNATURE.fullmatch(signature) is None:
            return "malformed signature"
        if abs(self._clock() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            return "stale timestamp"
        return None

    def matches(self, timestamp: str, signature: str, body: bytes) -> bool:
        """Whether the signature is Slack's over this timestamp and exact body."""
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)


def _refuse(status: int, reason: str, body: dict[str, Any] | None = None) -> web.Response:
    """A refusal; one log line with the reason only (never the body or headers); a 4xx
    closes the connection."""
    logger.info("refused a request to %s: %s", EVENTS_PATH, reason)
    response = web.json_response(body or {"error": "invalid request"}, status=status)
    if status >= 400:
        response.force_close()  # an unverified client gets no kept-alive connection
    return response


async def _read_limited(request: web.Request) -> bytes | web.Response:
    """The body, if it is small enough and arrives in time; else the refusal to answer."""
    declared = request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        return _refuse(413, f"body of {declared} bytes is over {MAX_BODY_BYTES}")
    try:
        async with asyncio.timeout(BODY_TIMEOUT_SECONDS):
            return await request.read()
    except TimeoutError:
        return _refuse(408, f"body not received within {BODY_TIMEOUT_SECONDS:g} s")
    except web.HTTPRequestEntityTooLarge:
        return _refuse(413, f"body is over {MAX_BODY_BYTES} bytes")
    except (ConnectionError, aiohttp.ClientPayloadError) as error:
        return _refuse(400, f"the client dropped the body part-way ({type(error).__name__})")


def _events_handler(
    bolt_app: AsyncApp, check: SlackSignature
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The `/slack/events` route: verify (the only signature check), check the shape, dispatch."""

    async def slack_events(request: web.Request) -> web.Response:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        problem = check.problem_with_headers(timestamp, signature)
        if problem is not None or timestamp is None or signature is None:
            return _refuse(401, problem or "missing signature headers")
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding != "identity":
            return _refuse(415, f"unsupported Content-Encoding {encoding[:40]!r}")
        body = await _read_limited(request)
        if isinstance(body, web.Response):
            return body
        if not check.matches(timestamp, signature, body):
            return _refuse(401, "signature mismatch")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "body is not UTF-8")
        parsed = read_body(request.headers.get("Content-Type", ""), text)
        if isinstance(parsed, Refusal):
            return _refuse(parsed.status, parsed.reason, parsed.body)
        headers: dict[str, str | Sequence[str]] = {k.lower(): v for k, v in request.headers.items()}
        headers["content-type"] = JSON
        bolt_request = AsyncBoltRequest(
            body=json.dumps(parsed), query=request.query_string, headers=headers
        )
        return await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))

    return slack_events


def _health_handler(
    healthy: Callable[[], Awaitable[bool]],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The `/healthz` route: 200 when the store answers, 503 otherwise."""

    async def health(request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                ok = await healthy()
        except Exception as error:
            logger.warning("health check failed: %s", type(error).__name__)
            ok = False
        body = {"ok": ok, "store": "reachable" if ok else "unreachable"}
        return web.json_response(body, status=200 if ok else 503)

    return health


def _metrics_handler(metrics: Metrics) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The `GET /metrics` route: the exposition format Prometheus asks for (text by default)."""

    async def serve_metrics(request: web.Request) -> web.Response:
        body, content_type = await metrics.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    return serve_metrics


class OneLineForClientFaults(logging.Filter):
    """aiohttp's server log: a dropped or malformed request is one line, never a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Fold a client fault's traceback into the line, at INFO (bugs keep theirs)."""
        error = record.exc_info[1] if record.exc_info else None
        if error is None or not isinstance(error, CLIENT_FAULTS):
            return True
        said = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        record.msg = f"dropped a request: {type(error).__name__}" + (f": {said}" if said else "")
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def quiet_server_logs() -> None:
    """Install the one-line filter on aiohttp's server and access loggers (idempotent)."""
    for name in ("aiohttp.server", "aiohttp.access", "aiohttp.web"):
        found = logging.getLogger(name)
        if not any(isinstance(f, OneLineForClientFaults) for f in found.filters):
            found.addFilter(OneLineForClientFaults())


def build_runner(app: web.Application) -> web.AppRunner:
    """How `serve` runs the app: header limits and timeouts, no access log, quiet faults,
    bodies left as sent (Slack never compresses one; a compressed one is refused unread)."""
    quiet_server_logs()
    return web.AppRunner(
        app,
        access_log=None,
        auto_decompress=False,
        keepalive_timeout=HEADER_TIMEOUT_SECONDS,
        lingering_time=LINGER_SECONDS,
        max_line_size=MAX_HEADER_LINE_BYTES,
        max_field_size=MAX_HEADER_LINE_BYTES,
    )


def build_web_app(
    *,
    bolt_app: AsyncApp | None,
    signing_secret: str | None,
    healthy: Callable[[], Awaitable[bool]],
    metrics: Metrics | None = None,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    """The aiohttp app: `/healthz`, `/metrics` (given metrics) and, given a Bolt app,
    `/slack/events`."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_get(HEALTH_PATH, _health_handler(healthy))
    if metrics is not None:
        app.router.add_get(METRICS_PATH, _metrics_handler(metrics))
    if bolt_app is not None:
        if not signing_secret:
            raise ValueError("HTTP mode needs SLACK_SIGNING_SECRET to verify Slack's requests")
        check = SlackSignature(signing_secret, clock)
        app.router.add_post(EVENTS_PATH, _events_handler(bolt_app, check))
    return app
