"""The Bolt app and the Slack Web API client, built from what bot/app.py passes in."""

from collections.abc import Callable, Sequence

import aiohttp
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import Metrics
from bot.redaction import Redactor
from bot.slack.bolt_quiet import quiet_bolt
from bot.slack.commands import register_commands
from bot.slack.masked import MaskedApp, MaskedWebClient
from bot.slack.open_form import register_open_submission
from bot.slack.ports import SlackDeps
from bot.slack.submissions import register_submissions
from bot.slack.workspace import AppIdentity, WorkspaceGuard
from bot.tasks import TrackedTasks

WEB_API_TIMEOUT_SECONDS = 10
# Kept-alive connections to Slack's Web API shared by every call (card edits, receipts, modals).
WEB_API_CONNECTIONS = 32
WEB_API_KEEPALIVE_SECONDS = 30.0
RATE_LIMIT_RETRIES = 2
CONNECTION_RETRIES = 2

Registrar = Callable[[AsyncApp, SlackDeps], None]


def build_web_session() -> aiohttp.ClientSession:
    """One keep-alive HTTP session for every Web API call (call inside the running loop).

    Without it slack_sdk opens (and closes) a new session and connection for every call.
    """
    connector = aiohttp.TCPConnector(
        limit=WEB_API_CONNECTIONS, keepalive_timeout=WEB_API_KEEPALIVE_SECONDS
    )
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=WEB_API_TIMEOUT_SECONDS)
    )


def build_web_client(
    *,
    token: SecretStr,
    base_url: str,
    session: aiohttp.ClientSession | None = None,
    redact: Redactor | None = None,
    metrics: Metrics | None = None,
) -> MaskedWebClient:
    """A Web API client for SLACK_API_URL that waits out 429s and retries dropped connections.

    Given a `session` (see build_web_session), every call reuses its kept-alive connections;
    the caller closes it. What it sends is masked by `redact` (by default: the token and
    anything shaped like a Slack token or response URL).
    """
    return MaskedWebClient(
        redact=redact or Redactor([token.get_secret_value()]),
        metrics=metrics,
        token=token.get_secret_value(),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        timeout=WEB_API_TIMEOUT_SECONDS,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def build_bolt_app(
    *,
    client: AsyncWebClient,
    deps: SlackDeps,
    register_extra: Sequence[Registrar] = (),
    metrics: Metrics | None = None,
) -> AsyncApp:
    """The Bolt app with every listener; no network call happens here.

    AsyncApp never calls auth.test at construction (only on the first request, then cached).
    Bolt does not verify signatures: in HTTP mode bot/web.py has checked each request before
    Bolt reads it (the one check), and Socket Mode needs none. Requests for another workspace
    or app are refused before any listener (WorkspaceGuard). Listeners run before the
    response (`process_before_response`): they ack, hand slow work to a task, and return.
    A request no listener takes is acknowledged with one log line.
    """
    quiet_bolt()
    app = MaskedApp(
        redact=client.redact if isinstance(client, MaskedWebClient) else Redactor(),
        metrics=metrics,
        name="incident-bot",
        client=client,
        signing_secret="",
        request_verification_enabled=False,
        process_before_response=True,
        raise_error_for_unhandled_request=True,
    )
    quiet_bolt(app)
    app.use(WorkspaceGuard(AppIdentity(client)))
    permissions = deps.permissions
    background = TrackedTasks()
    register_commands(app, deps, permissions=permissions, background=background)
    register_submissions(app, deps, permissions=permissions)
    register_open_submission(app, deps, permissions=permissions, background=background)
    for register in register_extra:
        register(app, deps)
    return app
