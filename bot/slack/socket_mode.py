"""Socket Mode: Slack's requests over a WebSocket, with `/healthz` still served on $PORT."""

import asyncio
import logging

from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.slack.startup import listening
from bot.web import build_runner

logger = logging.getLogger(__name__)


def build_socket_mode_handler(
    *, bolt_app: AsyncApp, app_token: SecretStr
) -> AsyncSocketModeHandler:
    """The Socket Mode connection; it reaches Slack through the Bolt app's Web API client."""
    return AsyncSocketModeHandler(bolt_app, app_token.get_secret_value())


async def serve_socket_mode(
    *,
    bolt_app: AsyncApp,
    app_token: SecretStr,
    web_app: web.Application,
    port: int,
    stop: asyncio.Event,
    host: str = "0.0.0.0",  # noqa: S104 - a platform's router reaches /healthz from outside
) -> None:
    """Serve `web_app` (health only) on `port`, connect to Slack, and run until `stop` is set."""
    runner = build_runner(web_app)
    await runner.setup()
    handler = build_socket_mode_handler(bolt_app=bolt_app, app_token=app_token)
    try:
        await listening(web.TCPSite(runner, host, port), port)
        await handler.connect_async()  # type: ignore[no-untyped-call]
        logger.info("connected to Slack in Socket Mode; /healthz on port %d", port)
        await stop.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()
