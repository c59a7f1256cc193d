"""`incident-bot serve` and `worker`: refuse clearly when Slack is not configured, else run."""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.logs import configure_logging, tell
from bot.metrics_dir import shared_metrics_directory
from bot.redaction import secrets_of
from bot.slack.startup import CannotListen, exit_if_refused, listening

if TYPE_CHECKING:
    from aiohttp import web

EXIT_FAILED, EXIT_USAGE = 1, 2
# A platform's router reaches the port from outside.
HOST = "0.0.0.0"  # noqa: S104

logger = logging.getLogger(__name__)

_HOW_TO = """\
How to get them:
  1. https://api.slack.com/apps → Create New App → From a manifest → paste manifest.yml
     (replace YOUR-HOST with this server's public HTTPS address).
  2. Install the app to your workspace.
  3. SLACK_BOT_TOKEN: OAuth & Permissions → Bot User OAuth Token (xoxb-…).
     SLACK_SIGNING_SECRET: Basic Information → App Credentials → Signing Secret.
     Or, for Socket Mode, SLACK_APP_TOKEN: Basic Information → App-Level Tokens
     (scope connections:write, xapp-…).
  4. Put them in the environment or in a .env file (see .env.example)."""


def run_serve(settings: Settings, *, worker: bool = True) -> int:
    """Start the Slack app (and its worker); exit 2 naming missing variables, 1 when the store
    cannot be opened."""
    configure_logging(secrets=secrets_of(settings), log_format=settings.log_format)
    missing = settings.slack.missing_for_serve()
    if missing:
        tell(f"incident-bot serve: missing {', '.join(missing)}.\n{_HOW_TO}")
        return EXIT_USAGE
    exit_if_refused(settings)
    if not worker:
        return _run("serve", _serve_until_stopped(settings))
    # Before prometheus_client is imported: its counters then live in files the child shares.
    with shared_metrics_directory():
        return _run("serve", _serve_until_stopped(settings, with_child=True))


def run_worker(settings: Settings, *, with_parent: bool = False) -> int:
    """Deliver, report and remind (no Slack endpoint; /healthz on $PORT). With `with_parent`,
    `serve`'s child: no port, no start-up check, woken by SIGUSR1, gone when stdin closes."""
    configure_logging(secrets=secrets_of(settings), log_format=settings.log_format)
    if settings.slack.bot_token is None:
        tell(f"incident-bot worker: missing SLACK_BOT_TOKEN.\n{_HOW_TO}")
        return EXIT_USAGE
    if with_parent:
        from bot.worker_child import work_for_parent

        return _run("worker", work_for_parent(settings))
    exit_if_refused(settings, "worker")
    return _run("worker", _work_until_stopped(settings))


def _run(command: str, main: Coroutine[Any, Any, None]) -> int:
    """Run the process's main coroutine; a store that cannot be opened exits 1 saying why."""
    from bot.store.repo import StoreUnavailable

    try:
        asyncio.run(main)
    except StoreUnavailable as error:
        tell(
            f"incident-bot {command}: {error}\n"
            "Check DATABASE_URL and that the database is running and reachable."
        )
        return EXIT_FAILED
    except CannotListen as error:
        tell(f"incident-bot {command}: {error}")
        return EXIT_USAGE
    return 0


async def _serve_until_stopped(settings: Settings, *, with_child: bool = False) -> None:
    """The Slack app (HTTP or Socket Mode, plus /healthz) until SIGTERM or SIGINT; with
    `with_child`, beside its worker child."""
    from bot.app import running_app
    from bot.slack.socket_mode import serve_socket_mode
    from bot.worker_child import WorkerChild

    stop = _stop_on_signals()
    child = WorkerChild() if with_child else None
    async with contextlib.AsyncExitStack() as stack:
        wake = None if child is None else child.wake
        app = await stack.enter_async_context(running_app(settings, worker=False, wake=wake))
        if child is not None:
            await stack.enter_async_context(child.running())
        slack = settings.slack
        if slack.app_token is None:
            await _serve_http(app.web_app, settings.port, stop)
            return
        await serve_socket_mode(
            bolt_app=app.bolt_app,  # type: ignore[arg-type]
            app_token=slack.app_token,
            web_app=app.web_app,
            port=settings.port,
            stop=stop,
            host=HOST,
        )


async def _work_until_stopped(settings: Settings) -> None:
    """The worker and its /healthz until SIGTERM or SIGINT."""
    from bot.app import running_worker

    stop = _stop_on_signals()
    async with running_worker(settings) as web_app:
        await _serve_http(web_app, settings.port, stop)


def _stop_on_signals() -> asyncio.Event:
    """An event SIGTERM and SIGINT set."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def _serve_http(web_app: "web.Application", port: int, stop: asyncio.Event) -> None:
    """Serve the web app on `port` until `stop` is set."""
    from aiohttp import web

    from bot.web import build_runner

    runner = build_runner(web_app)
    await runner.setup()
    try:
        await listening(web.TCPSite(runner, HOST, port), port)
        logger.info("incident-bot listening on port %d", port)
        await stop.wait()
    finally:
        await runner.cleanup()
