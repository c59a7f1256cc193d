"""HTTP routes: `POST /slack/events` (signed requests only) into Bolt, and `GET /healthz`."""

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.metrics import Metrics

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
MAX_CLOCK_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1024 * 1024
HEALTH_TIMEOUT_SECONDS = 5.0
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


def _refuse(reason: str) -> web.Response:
    """401 for an unverified request; only the reason is logged (never body or headers)."""
    logger.info("refused a request to %s: %s", EVENTS_PATH, reason)
    return web.json_response({"error": "invalid request"}, status=401)


def _events_handler(
    bolt_app: AsyncApp, check: SlackSignature
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The `/slack/events` route: verify, then let Bolt dispatch."""

    async def slack_events(request: web.Request) -> web.Response:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        problem = check.problem_with_headers(timestamp, signature)
        if problem is not None or timestamp is None or signature is None:
            return _refuse(problem or "missing signature headers")
        body = await request.read()
        if not check.matches(timestamp, signature, body):
            return _refuse("signature mismatch")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return web.json_response({"error": "body is not UTF-8"}, status=400)
        bolt_request = AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers={k.lower(): v for k, v in request.headers.items()},
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
